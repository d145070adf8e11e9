import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/**
 * What went wrong on the wire, reduced to facts that are safe to show (never headers or the key).
 */
export interface HttpFailure {
	statusCode?: number;
	/** Network error code such as ECONNRESET, ETIMEDOUT. */
	code?: string;
	body?: unknown;
	bodyExcerpt?: string;
}

const FRIENDLY_STATUS: Record<number, string> = {
	400: 'Freepik rejected the request',
	401: 'The Freepik API key is missing or invalid',
	403: 'The Freepik API key is not allowed to use this resource',
	404: 'Freepik could not find it',
	429: 'Freepik rate limit reached (too many requests)',
	500: 'Freepik had an internal error',
	502: 'Freepik is unreachable (bad gateway)',
	503: 'Freepik is temporarily unavailable',
	504: 'Freepik did not answer in time (gateway timeout)',
};

export function excerpt(text: string, max = 200): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

interface FreepikErrorBody {
	message?: string;
	invalid_params?: Array<{ name?: string; reason?: string }>;
	problem?: FreepikErrorBody;
}

function describeBody(failure: HttpFailure): { apiMessage?: string; details: string[] } {
	const body = failure.body as FreepikErrorBody | undefined;
	const source = body && typeof body === 'object' ? (body.problem ?? body) : undefined;
	const details = (source?.invalid_params ?? []).map(
		(p) => `${p.name ?? '?'}: ${p.reason ?? 'invalid'}`,
	);
	const apiMessage =
		typeof source?.message === 'string'
			? source.message
			: failure.bodyExcerpt
				? `${failure.code === 'INVALID_JSON' ? 'response is not valid JSON' : 'response body'}: ` +
					failure.bodyExcerpt
				: undefined;
	return { apiMessage, details };
}

export interface ErrorContext {
	itemIndex?: number;
	taskId?: string;
	extraDescription?: string;
	messageNote?: string;
	/** A create that may have reached Freepik: a task may exist that no id names. */
	mayHaveCreated?: boolean;
}

function statusHeadline(status: number): string {
	return (
		FRIENDLY_STATUS[status] ??
		(status >= 200 && status < 300
			? `Freepik sent an unusable answer (HTTP ${status})`
			: `Freepik answered HTTP ${status}`)
	);
}

/**
 * Turns an HTTP failure into the NodeApiError users see; `context` adds what
 * was being done (and task ids).
 */
export function toNodeApiError(
	node: INode,
	failure: HttpFailure,
	action: string,
	context: ErrorContext = {},
): NodeApiError {
	const status = failure.statusCode;
	if (status === 404 && context.taskId) return taskNotFound(node, context.taskId, context);
	const { apiMessage, details } = describeBody(failure);
	const headline = status
		? `${statusHeadline(status)} while ${action}`
		: `Could not reach Freepik while ${action} (${failure.code ?? 'network error'})`;
	const taskPart = context.taskId ? ` [task_id ${context.taskId}]` : '';
	const descriptionParts = [
		apiMessage ? `Freepik says: ${apiMessage}` : undefined,
		details.length ? `Invalid parameters: ${details.join('; ')}` : undefined,
		status === 401
			? 'Check the API key in the Freepik API credential (Freepik dashboard → API keys).'
			: undefined,
		context.taskId ? `Task ID: ${context.taskId}` : undefined,
		context.extraDescription,
	].filter(Boolean);
	const errorObject: JsonObject = {
		message: apiMessage ?? headline,
		httpCode: status ? String(status) : (failure.code ?? 'NETWORK'),
	};
	if (details.length) errorObject.invalid_params = details;
	if (context.taskId) errorObject.task_id = context.taskId;
	const note = context.messageNote ? ` (${context.messageNote})` : '';
	const message = `${headline}${apiMessage ? `: ${apiMessage}` : ''}${note}${taskPart}`;
	const error = new NodeApiError(node, errorObject, {
		message,
		description: descriptionParts.join('\n'),
		httpCode: status ? String(status) : undefined,
		itemIndex: context.itemIndex,
	});
	// NodeApiError swaps any message that mentions a network code (ECONNRESET, ETIMEDOUT, …) for a
	// generic sentence, which would drop what was being done and the task id: keep ours.
	error.message = message;
	// Read by helpers/outputs.ts: this error already names its task.
	if (context.taskId) error.context.taskId = context.taskId;
	if (context.mayHaveCreated) error.context.mayHaveCreated = true;
	return error;
}

/** An unknown task id: said once, with what to do, instead of Freepik's bare "Not found". */
function taskNotFound(node: INode, taskId: string, context: ErrorContext): NodeApiError {
	const message = `Task ${taskId} not found: check the Task ID`;
	const error = new NodeApiError(
		node,
		{ message, httpCode: '404', task_id: taskId },
		{
			message,
			description: `Freepik has no task ${taskId} for this API key; Get Many lists the ones it has.`,
			httpCode: '404',
			itemIndex: context.itemIndex,
		},
	);
	error.message = message;
	error.context.taskId = taskId;
	return error;
}
