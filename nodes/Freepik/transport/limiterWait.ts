import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toNodeApiError } from '../helpers/errors';
import { apiHostOf } from './limiterRegistry';
import { PausedPastDeadlineError, QueuedPastDeadlineError, type RateLimiter } from './rateLimiter';

interface Call {
	baseUrl: string;
	action: string;
	policy: { kind: 'create' | 'read'; itemIndex: number; taskId?: string; deadline?: number };
	timeoutMs: number;
	signal?: AbortSignal;
}

/**
 * How long a call asked at (or a moment past) its deadline may still wait, as the engine's last
 * poll at the Max Wait Time is: sent a few ms late (pacing, a busy event loop) it sees the task's
 * final state, where refusing it would blame a rate limit that held nothing.
 */
const LAST_LOOK_MS = 1000;

/**
 * A slot from the shared limiter (its grant time), waited for at most until the call's deadline:
 * its Max Wait Time, or one Request Timeout from now. A 429's pause or a queue that lasts longer
 * fails the call unsent.
 */
export async function acquireBeforeDeadline(
	limiter: RateLimiter,
	node: INode,
	call: Call,
): Promise<number | undefined> {
	const now = Date.now();
	const timeoutDeadline = now + call.timeoutMs;
	const lastLook = Math.max(call.policy.deadline ?? Infinity, now + LAST_LOOK_MS);
	const deadline = Math.min(lastLook, timeoutDeadline);
	try {
		return await limiter.acquire(call.signal, deadline);
	} catch (error) {
		const limit = deadline < timeoutDeadline ? 'Max Wait Time' : 'Request Timeout';
		if (error instanceof PausedPastDeadlineError)
			throw pausedError(node, error, call.baseUrl, call.action, call.policy, limit);
		if (error instanceof QueuedPastDeadlineError)
			throw queuedError(node, error, call.baseUrl, call.action, call.policy, limit);
		throw new NodeOperationError(node, error as Error);
	}
}

/**
 * The error of a call that was not sent because a 429's pause (shared by every call to the host)
 * lasts past the call's own deadline. One line that stands alone: what held it, until when, and
 * that nothing was sent.
 */
export function pausedError(
	node: INode,
	paused: PausedPastDeadlineError,
	baseUrl: string,
	action: string,
	policy: { kind: 'create' | 'read'; itemIndex: number; taskId?: string },
	limit: 'Max Wait Time' | 'Request Timeout',
) {
	const seconds = Math.max(1, Math.ceil((paused.pausedUntil - Date.now()) / 1000));
	const until = new Date(paused.pausedUntil).toISOString().slice(11, 19);
	const host = apiHostOf(baseUrl);
	const notSent = policy.kind === 'create' ? 'not sent, so no task was created' : 'not sent';
	return toNodeApiError(node, { statusCode: 429 }, action, {
		itemIndex: policy.itemIndex,
		taskId: policy.taskId,
		messageNote:
			`${notSent}: an earlier 429 holds every request to ${host} for another ${seconds} s, ` +
			`past this call's ${limit}; try again after ${until} UTC`,
		extraDescription:
			'Freepik answered a request from this n8n with 429 (too many requests) and asked to ' +
			'wait. Every Freepik node in this n8n process pauses for that host (at most ' +
			`${paused.maxPauseMs / 1000} s), and a ` +
			`call that cannot be sent before its ${limit} fails at once instead of waiting.`,
	});
}

/**
 * The error of a call that was not sent because the rate limit (shared by every call to the host)
 * could not let it through before the call's own deadline.
 */
export function queuedError(
	node: INode,
	queued: QueuedPastDeadlineError,
	baseUrl: string,
	action: string,
	policy: { kind: 'create' | 'read'; itemIndex: number; taskId?: string },
	limit: 'Max Wait Time' | 'Request Timeout',
) {
	const notSent = policy.kind === 'create' ? 'not sent, so no task was created' : 'not sent';
	const { averagePerSecond, burstPerSecond } = queued.limits;
	const slowed =
		queued.rate === Infinity ? '' : `, slowed to ${queued.rate.toFixed(2)} requests/s by 429s`;
	const behind = queued.ahead ? ` behind ${queued.ahead} earlier requests` : '';
	return toNodeApiError(node, { statusCode: 429 }, action, {
		itemIndex: policy.itemIndex,
		taskId: policy.taskId,
		messageNote:
			`${notSent}: the rate limit for ${apiHostOf(baseUrl)} (${averagePerSecond} requests/s ` +
			`on average, ${burstPerSecond}/s in bursts${slowed}) holds it${behind} past this ` +
			`call's ${limit}`,
		extraDescription:
			'Every Freepik node in this n8n process shares one rate limiter per API host (Freepik ' +
			'counts its limits per IP address), which applies the lowest Average / Burst Requests ' +
			'per Second any of them asked for; a call that cannot be sent before its ' +
			`${limit} fails at once instead of waiting. Send fewer requests at once, or raise the ` +
			`${limit}.`,
	});
}
