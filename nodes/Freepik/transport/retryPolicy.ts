import type { HttpFailure } from '../helpers/errors';
import { isTransientCode } from './networkErrors';

/**
 * Which calls may be repeated and how long to wait first. Reads are repeated after 429, 5xx and
 * transient network errors. A create is repeated only when the server cannot have made the task:
 * repeating one that may have succeeded could create and bill a second task.
 */

export interface RetrySettings {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** Wait before the first retry; doubled for every further retry, with ±50 % jitter. */
	retryBaseDelayMs: number;
	/** Upper bound of one computed backoff wait. */
	retryMaxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the call fails and says when to try again. */
	maxRetryAfterMs: number;
}

export type CallKind = 'create' | 'read';

export type Headers = Record<string, string | string[] | undefined>;

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const CREATE_SAFE_STATUS = new Set([429, 503]);
const CREATE_SAFE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Added to the message of every create that failed in a way that may still have created the task.
 */
export const AMBIGUOUS_CREATE_NOTE =
	'the task may have been created: check Get Many before running this item again';

export function canRetry(kind: CallKind, failure: HttpFailure): boolean {
	const { statusCode, code } = failure;
	if (kind === 'create')
		return statusCode !== undefined
			? CREATE_SAFE_STATUS.has(statusCode)
			: CREATE_SAFE_CODES.has(code ?? '');
	return statusCode !== undefined ? RETRYABLE_STATUS.has(statusCode) : isTransientCode(code);
}

/**
 * Whether a failed create may still have created the task: yes after a network error once the
 * request may have been sent, a 5xx other than 503, or a 2xx whose body was unusable; no after an
 * answer that rejects the request (3xx, 4xx), a 503 (Freepik's "try again"), a refused connection.
 */
export function createMayHaveSucceeded(failure: HttpFailure): boolean {
	const status = failure.statusCode;
	if (status === undefined) return !CREATE_SAFE_CODES.has(failure.code ?? '');
	if (status >= 300 && status < 500) return false;
	return !CREATE_SAFE_STATUS.has(status);
}

export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
	const raw = headers?.['retry-after'];
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Exponential backoff with ±50 % jitter: about base, 2·base, 4·base, … capped at maxMs. */
export function backoffMs(
	attempt: number,
	baseMs: number,
	maxMs: number,
	random: () => number = Math.random,
): number {
	const base = Math.min(maxMs, baseMs * 2 ** attempt);
	return Math.round(base * (0.5 + random()));
}

export type RetryDecision =
	| { retry: true; waitMs: number }
	| { retry: false; waitMs: number; ambiguous: boolean; notes: string[] };

export interface RetryContext {
	kind: CallKind;
	failure: HttpFailure & { headers?: Headers };
	/** 0 for the first attempt. */
	attempt: number;
	settings: RetrySettings;
	now: number;
	/** No retry whose wait would end after this moment (Max Wait Time). */
	deadline?: number;
	random?: () => number;
}

/** Whether to try a failed call again, after how long, and what to tell the user if not. */
export function decideRetry(c: RetryContext): RetryDecision {
	const retryable = canRetry(c.kind, c.failure);
	// Retry-After is honoured on every retryable answer; without it, exponential backoff + jitter.
	const serverWait = retryable ? retryAfterMs(c.failure.headers, c.now) : undefined;
	const waitMs =
		serverWait ??
		backoffMs(c.attempt, c.settings.retryBaseDelayMs, c.settings.retryMaxDelayMs, c.random);
	const serverWaitTooLong = serverWait !== undefined && serverWait > c.settings.maxRetryAfterMs;
	const pastDeadline = c.deadline !== undefined && c.now + waitMs > c.deadline;
	const outOfTries = c.attempt >= c.settings.maxRetries;
	if (retryable && !outOfTries && !serverWaitTooLong && !pastDeadline)
		return { retry: true, waitMs };
	const notes = [
		serverWaitTooLong
			? `Freepik asked to wait ${Math.ceil(serverWait / 1000)} s before trying again ` +
				'(Retry-After); that is longer than this node waits, so try again later.'
			: undefined,
		retryable && !serverWaitTooLong && pastDeadline && !outOfTries
			? 'Stopped retrying because the next attempt would pass Max Wait Time.'
			: undefined,
		c.attempt > 0 ? `Tried ${c.attempt + 1} times.` : undefined,
	].filter((note): note is string => note !== undefined);
	const ambiguous = c.kind === 'create' && createMayHaveSucceeded(c.failure);
	return { retry: false, waitMs, ambiguous, notes };
}
