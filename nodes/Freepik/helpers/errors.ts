import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * Every error the node makes is built here, complete: n8n's own classes (what users see), with
 * the message kept as written and the facts the node's code acts on as typed fields. An error is
 * never patched afterwards; restated() builds a new one.
 */

/** What the node's own code reads from an error it made; never shown to users. */
export interface ErrorFacts {
	/** The message or description already names this task. */
	taskId?: string;
	/** A create that may have reached Freepik: a task may exist that no id names. */
	mayHaveCreated?: boolean;
	/** The message says everything (what, why, whether anything was sent, the fix). */
	standsAlone?: boolean;
}

type Messages = [string, string[]];

/**
 * n8n swaps a message that mentions a network code (ECONNRESET, ETIMEDOUT, …) for a generic
 * sentence, which would drop what was being done and the task id: these keep the message.
 */
export class FreepikApiError extends NodeApiError {
	readonly facts: ErrorFacts;

	constructor(
		node: INode,
		errorResponse: JsonObject,
		options: ConstructorParameters<typeof NodeApiError>[2],
		facts: ErrorFacts = {},
	) {
		super(node, errorResponse, options);
		// Users see n8n's class name (ExecutionBaseError takes the constructor's).
		this.name = NodeApiError.name;
		this.facts = facts;
	}

	protected setDescriptiveErrorMessage(message: string, messages: string[]): Messages {
		return [message, messages];
	}
}

/** NodeOperationError with the message kept as written and typed facts (see FreepikApiError). */
export class FreepikOperationError extends NodeOperationError {
	readonly facts: ErrorFacts;

	constructor(
		node: INode,
		message: string,
		options: ConstructorParameters<typeof NodeOperationError>[2] = {},
		facts: ErrorFacts = {},
	) {
		super(node, message, options);
		this.name = NodeOperationError.name;
		this.facts = facts;
	}

	protected setDescriptiveErrorMessage(message: string, messages: string[]): Messages {
		return [message, messages];
	}
}

/** The facts of an error (none for an error the node did not build here). */
export const factsOf = (error: Error): ErrorFacts =>
	error instanceof FreepikApiError || error instanceof FreepikOperationError ? error.facts : {};

type Described = Error & { description?: string | null };

/**
 * A new error like `error` with a longer message or description, or more facts: n8n's class, item
 * and HTTP code stay. A plain Error becomes a NodeOperationError of `node`.
 */
export function restated(
	node: INode,
	error: Error,
	change: { message?: string; description?: string; facts?: ErrorFacts },
): Error {
	const message = change.message ?? error.message;
	const description = change.description ?? (error as Described).description ?? undefined;
	const facts = { ...factsOf(error), ...change.facts };
	if (error instanceof NodeApiError) {
		const { httpCode, context } = error;
		return new FreepikApiError(
			error.node,
			{ message, ...(httpCode ? { httpCode } : {}) },
			{ message, description, httpCode: httpCode ?? undefined, itemIndex: itemOf(context) },
			facts,
		);
	}
	const context = error instanceof NodeOperationError ? error.context : {};
	const owner = error instanceof NodeOperationError ? error.node : node;
	return new FreepikOperationError(
		owner,
		message,
		{ description, itemIndex: itemOf(context) },
		facts,
	);
}

const itemOf = (context: { itemIndex?: unknown }) =>
	typeof context.itemIndex === 'number' ? context.itemIndex : undefined;

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
	// The refused fields travel in the message: an AI Agent and an error item's `error` see only it.
	const refused = details.length ? ` (${details.join('; ')})` : '';
	const message = `${headline}${apiMessage ? `: ${apiMessage}` : ''}${refused}${note}${taskPart}`;
	return new FreepikApiError(
		node,
		errorObject,
		{
			message,
			description: descriptionParts.join('\n'),
			httpCode: status ? String(status) : undefined,
			itemIndex: context.itemIndex,
		},
		{
			...(context.taskId ? { taskId: context.taskId } : {}),
			...(context.mayHaveCreated ? { mayHaveCreated: true } : {}),
		},
	);
}

/** An unknown task id: said once, with what to do, instead of Freepik's bare "Not found". */
function taskNotFound(node: INode, taskId: string, context: ErrorContext): NodeApiError {
	const message = `Task ${taskId} not found: check the Task ID`;
	return new FreepikApiError(
		node,
		{ message, httpCode: '404', task_id: taskId },
		{
			message,
			description: `Freepik has no task ${taskId} for this API key; Get Many lists the ones it has.`,
			httpCode: '404',
			itemIndex: context.itemIndex,
		},
		{ taskId },
	);
}
