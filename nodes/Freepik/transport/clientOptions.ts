import { sleepUnlessAborted } from '../helpers/clock';
import { DEFAULTS } from '../helpers/limits';
import { FREEPIK_RATE_LIMITS, type RateLimits } from './rateLimiter';
import type { RetrySettings } from './retryPolicy';

export interface ClientOptions extends RetrySettings {
	/** Per-request timeout. */
	timeoutMs: number;
	rateLimits: RateLimits;
	signal?: AbortSignal;
	/** Waits out a retry's delay, ending early on `signal` (tests record the waits asked for). */
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * What every client starts from; node options (timeout, rate limits) and tests' options go on top.
 */
export const CLIENT_DEFAULTS: ClientOptions = {
	timeoutMs: DEFAULTS.requestTimeout * 1000,
	maxRetries: DEFAULTS.maxRetries,
	retryBaseDelayMs: DEFAULTS.retryBaseDelayMs,
	retryMaxDelayMs: DEFAULTS.retryMaxDelayMs,
	maxRetryAfterMs: DEFAULTS.maxRetryAfterMs,
	rateLimits: FREEPIK_RATE_LIMITS,
	sleep: sleepUnlessAborted,
};
