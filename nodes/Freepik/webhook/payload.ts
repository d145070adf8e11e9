import { isObject, parseJson } from '../helpers/json';
import type { FreepikTask } from '../helpers/types';

/**
 * The task a Freepik webhook carries: `{task_id, status, generated}` (documented bare; a
 * `{data: {...}}` wrapper, as the GET endpoint sends, is accepted too). Read from the raw
 * bytes first, else from n8n's parsed body. Undefined when there is no task id or status.
 */
export function parseWebhookTask(rawBody: Buffer, parsedBody: unknown): FreepikTask | undefined {
	const parsed = parseJson(rawBody.length ? rawBody.toString('utf8') : undefined);
	let payload = (parsed.ok ? parsed.value : undefined) ?? parsedBody;
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
