import type { INode } from 'n8n-workflow';

import { toNodeApiError } from './errors';
import { apiHostOf } from './limiterRegistry';
import type { PausedPastDeadlineError } from './rateLimiter';

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
