import type { FreepikTask } from '../helpers/types';

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(rawBody: Buffer): unknown {
	if (rawBody.length === 0) return undefined;
	try {
		return JSON.parse(rawBody.toString('utf8'));
	} catch {
		return undefined;
	}
}

/**
 * The task a Freepik webhook carries: `{task_id, status, generated}` (documented bare; a
 * `{data: {...}}` wrapper, as the GET endpoint sends, is accepted too). Read from the raw
 * bytes first, else from n8n's parsed body. Undefined when there is no task id or status.
 */
export function parseWebhookTask(rawBody: Buffer, parsedBody: unknown): FreepikTask | undefined {
	let payload = parseJson(rawBody) ?? parsedBody;
	if (isObject(payload) && payload.task_id === undefined && isObject(payload.data)) {
		payload = payload.data;
	}
	if (!isObject(payload)) return undefined;

	const { task_id: taskId, status, generated } = payload;
	if (typeof taskId !== 'string' || taskId === '' || typeof status !== 'string') return undefined;
	return {
		task_id: taskId,
		status,
		generated: Array.isArray(generated)
			? generated.filter((url): url is string => typeof url === 'string' && url !== '')
			: [],
	};
}
