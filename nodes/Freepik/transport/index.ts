import type { IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { FreepikTask } from '../helpers/types';
import { uploadTimeoutMs } from '../helpers/uploadSlots';
import { excerpt, toNodeApiError, type HttpFailure } from './errors';
import { sharedLimiter } from './limiterRegistry';
import { FREEPIK_RATE_LIMITS, RateLimiter, type RateLimits } from './rateLimiter';

export const API_PATH = '/v1/ai/audio-isolation';
const CREDENTIAL = 'freepikApi';

export interface ClientOptions {
	/** Per-request timeout. */
	timeoutMs: number;
	/** Retries of a GET after 429/5xx/network errors (a create is retried only when that is safe). */
	maxRetries: number;
	/** Wait before the first retry; doubled for every further retry, with ±50 % jitter. */
	retryBaseDelayMs: number;
	/** Upper bound of one computed backoff wait. */
	retryMaxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the call fails and says when to try again. */
	maxRetryAfterMs: number;
	rateLimits: RateLimits;
	signal?: AbortSignal;
}

const BUILT_IN_DEFAULTS: ClientOptions = {
	timeoutMs: 120_000,
	maxRetries: 5,
	retryBaseDelayMs: 500,
	retryMaxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
	rateLimits: FREEPIK_RATE_LIMITS,
};

/** What every client starts from; node options (timeout, rate limits) are applied on top. */
export const DEFAULT_CLIENT_OPTIONS: ClientOptions = { ...BUILT_IN_DEFAULTS };

/**
 * Changes the defaults of every client created afterwards (e.g. shorter backoff waits in tests) and
 * returns a function that restores the previous defaults. Without a patch, restores the built-in ones.
 */
export function setClientDefaults(patch?: Partial<ClientOptions>): () => void {
	const previous = { ...DEFAULT_CLIENT_OPTIONS };
	Object.assign(DEFAULT_CLIENT_OPTIONS, patch ?? BUILT_IN_DEFAULTS);
	return () => {
		Object.assign(DEFAULT_CLIENT_OPTIONS, { signal: undefined, ...previous });
	};
}

/** Network errors after which a GET is safe to repeat. */
const TRANSIENT_CODES = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|ESOCKETTIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_CONNECTION_TIMEOUT|UND_ERR_\w+)$/;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** A create may only be repeated when the server cannot have made the task. */
const CREATE_SAFE_STATUS = new Set([429, 503]);
const CREATE_SAFE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a failed create may still have created the task: yes after a network error once the
 * request may have been sent, a 5xx other than 503, or a 2xx whose body was unusable; no after an
 * answer that rejects the request (3xx, 4xx), a 503 (Freepik's "try again") or a refused connection.
 */
export function createMayHaveSucceeded(failure: HttpFailure): boolean {
	const status = failure.statusCode;
	if (status === undefined) return !CREATE_SAFE_CODES.has(failure.code ?? '');
	if (status >= 300 && status < 500) return false;
	return !CREATE_SAFE_STATUS.has(status);
}

/** Added to the message of every create that failed in a way that may still have created the task. */
export const AMBIGUOUS_CREATE_NOTE = 'the task may have been created: check Get Many before running this item again';

/** Body of a create request: JSON fields, or a ready JSON buffer (file inlined as base64). */
export type RequestBody = () => object | Promise<Buffer>;

interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/**
 * Which network error code hides in an error thrown by n8n's request helpers: a NodeApiError whose
 * `cause` is the axios error (whose own `cause` may be the socket error). Codes anywhere in the chain
 * win over words in messages, because n8n rewrites messages ("The connection was aborted, …").
 */
export function networkCode(error: unknown): string {
	type Link = { code?: unknown; cause?: unknown; message?: unknown };
	const chain: Link[] = [];
	let current = error as Link | undefined;
	for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
		chain.push(current);
		current = current.cause as Link | undefined;
	}
	const innermostFirst = chain.reverse();
	for (const link of innermostFirst) {
		if (typeof link.code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(link.code)) continue;
		if (link.code === 'ECONNABORTED' && /timeout/i.test(String(link.message))) return 'ETIMEDOUT';
		return link.code;
	}
	for (const link of innermostFirst) {
		const message = String(link.message ?? '');
		const found = message.match(/\b(E[A-Z]{4,}|socket hang up|timeout of \d+ms exceeded|timed out|aborted|canceled)\b/);
		if (!found) continue;
		if (found[1] === 'socket hang up') return 'ECONNRESET';
		if (found[1].startsWith('timeout') || found[1] === 'timed out') return 'ETIMEDOUT';
		if (found[1] === 'aborted' || found[1] === 'canceled') return 'ERR_CANCELED';
		return found[1];
	}
	return 'NETWORK_ERROR';
}

export function retryAfterMs(headers: RawResponse['headers'] | undefined): number | undefined {
	const raw = headers?.['retry-after'];
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Exponential backoff with ±50 % jitter: about base, 2·base, 4·base, … capped at maxMs. */
export function backoffMs(attempt: number, baseMs = BUILT_IN_DEFAULTS.retryBaseDelayMs, maxMs = BUILT_IN_DEFAULTS.retryMaxDelayMs): number {
	const base = Math.min(maxMs, baseMs * 2 ** attempt);
	return Math.round(base * (0.5 + Math.random()));
}

/**
 * The only place that talks to the Freepik API. Every call passes the shared rate limiter, carries a
 * timeout, never follows redirects (the key must not travel to another host) and turns failures into
 * NodeApiErrors without the key. File downloads live in helpers/binary.ts and never carry the key.
 */
export class FreepikClient {
	readonly limiter: RateLimiter;

	requestCount = 0;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly baseUrl: string,
		private readonly apiKey: string,
		readonly options: ClientOptions,
	) {
		this.limiter = sharedLimiter(baseUrl, apiKey, options.rateLimits);
	}

	static async create(ctx: IExecuteFunctions, options: Partial<ClientOptions> = {}) {
		const credentials = await ctx.getCredentials(CREDENTIAL);
		const baseUrl = String(credentials.baseUrl || 'https://api.freepik.com').replace(/\/+$/, '');
		return new FreepikClient(ctx, baseUrl, String(credentials.apiKey ?? ''), {
			...DEFAULT_CLIENT_OPTIONS,
			...options,
		});
	}

	/** Replaces any occurrence of the API key (a server might echo it back). */
	redact(text: string): string {
		return this.apiKey.length >= 4 ? text.split(this.apiKey).join('***') : text;
	}

	/** POST a new task. Repeated only on answers that prove no task was created (429, 503, refused). */
	async createTask(body: RequestBody, itemIndex: number): Promise<FreepikTask> {
		const response = await this.send('POST', API_PATH, body, 'creating the isolation task', {
			itemIndex,
			canRetry: (failure) =>
				failure.statusCode !== undefined
					? CREATE_SAFE_STATUS.has(failure.statusCode)
					: CREATE_SAFE_CODES.has(failure.code ?? ''),
			mayHaveCreated: createMayHaveSucceeded,
			ambiguousHint:
				'The request may have reached Freepik, so it was not repeated (that could create and bill a second task). ' +
				'Run the Get Many operation to see whether the task exists before running this item again.',
		});
		return this.taskFrom(response, 'creating the isolation task', itemIndex, undefined, true);
	}

	async getTask(taskId: string, itemIndex: number, deadline?: number): Promise<FreepikTask> {
		const action = `getting task ${taskId}`;
		const response = await this.send('GET', `${API_PATH}/${encodeURIComponent(taskId)}`, undefined, action, {
			itemIndex,
			taskId,
			deadline,
		});
		return this.taskFrom(response, action, itemIndex, taskId);
	}

	async listTasks(itemIndex: number): Promise<FreepikTask[]> {
		const action = 'listing tasks';
		const response = await this.send('GET', API_PATH, undefined, action, { itemIndex });
		const data = (response.body as { data?: unknown } | undefined)?.data;
		if (!Array.isArray(data)) {
			throw this.error({ statusCode: response.statusCode, bodyExcerpt: this.excerptOf(response.body) }, action, {
				itemIndex,
				extraDescription: 'Expected {"data": [...]} from Freepik.',
			});
		}
		return data as FreepikTask[];
	}

	private taskFrom(
		response: RawResponse,
		action: string,
		itemIndex: number,
		taskId?: string,
		afterCreate = false,
	): FreepikTask {
		const task = (response.body as { data?: FreepikTask } | undefined)?.data;
		if (!task || typeof task !== 'object' || typeof task.task_id !== 'string' || !task.task_id) {
			throw this.error(
				{ statusCode: response.statusCode, bodyExcerpt: this.excerptOf(response.body) },
				action,
				{
					itemIndex,
					taskId,
					messageNote: afterCreate ? AMBIGUOUS_CREATE_NOTE : undefined,
					extraDescription: afterCreate
						? 'Freepik answered without a task_id. A task may have been created anyway: check Get Many before retrying.'
						: 'Expected {"data": {"task_id": ...}} from Freepik.',
				},
			);
		}
		if (typeof task.status !== 'string') task.status = 'UNKNOWN';
		if (!Array.isArray(task.generated)) task.generated = [];
		return task;
	}

	private async send(
		method: IHttpRequestMethods,
		path: string,
		body: RequestBody | undefined,
		action: string,
		policy: {
			itemIndex: number;
			taskId?: string;
			deadline?: number;
			canRetry?: (failure: HttpFailure) => boolean;
			/** Whether a failure leaves open that the request took effect (then the hint is added). */
			mayHaveCreated?: (failure: HttpFailure) => boolean;
			ambiguousHint?: string;
		},
	): Promise<RawResponse> {
		const canRetry =
			policy.canRetry ??
			((failure: HttpFailure) =>
				failure.statusCode !== undefined
					? RETRYABLE_STATUS.has(failure.statusCode)
					: TRANSIENT_CODES.test(failure.code ?? ''));
		const { signal, maxRetries, retryBaseDelayMs, retryMaxDelayMs, maxRetryAfterMs } = this.options;
		for (let attempt = 0; ; attempt++) {
			if (signal?.aborted) throw cancelledError(this.ctx);
			await this.limiter.acquire(signal);
			if (signal?.aborted) throw cancelledError(this.ctx);
			const { response, failure } = await this.attempt(method, path, body);
			if (response) {
				this.limiter.onSuccess();
				return response;
			}
			if (signal?.aborted) throw cancelledError(this.ctx);
			const retryable = canRetry(failure);
			// Retry-After is honoured on every retryable answer; without it, exponential backoff + jitter.
			const serverWait = retryable ? retryAfterMs(failure.headers) : undefined;
			let waitMs = serverWait ?? backoffMs(attempt, retryBaseDelayMs, retryMaxDelayMs);
			if (failure.statusCode === 429) waitMs = this.limiter.onRateLimited(waitMs);
			const serverWaitTooLong = serverWait !== undefined && serverWait > maxRetryAfterMs;
			const pastDeadline = policy.deadline !== undefined && Date.now() + waitMs > policy.deadline;
			if (!retryable || attempt >= maxRetries || serverWaitTooLong || pastDeadline) {
				const ambiguous = policy.mayHaveCreated?.(failure) === true;
				throw this.error(failure, action, {
					itemIndex: policy.itemIndex,
					taskId: policy.taskId,
					messageNote: ambiguous ? AMBIGUOUS_CREATE_NOTE : undefined,
					extraDescription: [
						ambiguous ? policy.ambiguousHint : undefined,
						serverWaitTooLong
							? `Freepik asked to wait ${Math.ceil(serverWait / 1000)} s before trying again (Retry-After); that is longer than this node waits, so try again later.`
							: undefined,
						retryable && !serverWaitTooLong && pastDeadline && attempt < maxRetries
							? 'Stopped retrying because the next attempt would pass Max Wait Time.'
							: undefined,
						attempt > 0 ? `Tried ${attempt + 1} times.` : undefined,
					]
						.filter(Boolean)
						.join('\n'),
				});
			}
			this.ctx.logger.debug(
				`Freepik: ${method} ${path} failed (${failure.statusCode ?? failure.code}), retry ${attempt + 1}/${maxRetries} in ${waitMs} ms`,
			);
			await sleepUnlessAborted(waitMs, signal);
		}
	}

	private async attempt(
		method: IHttpRequestMethods,
		path: string,
		body: RequestBody | undefined,
	): Promise<
		| { response: RawResponse; failure?: undefined }
		| { response?: undefined; failure: HttpFailure & { headers?: RawResponse['headers'] } }
	> {
		const payload = await body?.();
		const request: IHttpRequestOptions = {
			method,
			url: `${this.baseUrl}${path}`,
			headers: { accept: 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: Buffer.isBuffer(payload) ? uploadTimeoutMs(payload.length, this.options.timeoutMs) : this.options.timeoutMs,
			encoding: 'text',
			json: false,
			abortSignal: this.options.signal,
		};
		if (payload !== undefined) {
			request.headers!['content-type'] = 'application/json';
			request.body = Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
		}
		this.requestCount++;
		let raw: RawResponse;
		try {
			raw = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				CREDENTIAL,
				request,
			)) as RawResponse;
		} catch (error) {
			return { failure: { code: networkCode(error) } };
		}
		// The key never leaves this method inside a body, even if a server echoes it back.
		raw.body = typeof raw.body === 'string' ? this.redact(raw.body) : raw.body;
		const parsed = parseJson(raw.body);
		const statusCode = raw.statusCode;
		if (statusCode >= 200 && statusCode < 300) {
			if (parsed.ok) return { response: { ...raw, body: parsed.value } };
			return { failure: { statusCode, bodyExcerpt: this.excerptOf(raw.body), code: 'INVALID_JSON' } };
		}
		if (statusCode >= 300 && statusCode < 400) {
			const location = String(raw.headers?.location ?? '');
			return {
				failure: {
					statusCode,
					bodyExcerpt: `redirect to ${hostOf(location)} was not followed, so the API key stays on the API host`,
				},
			};
		}
		if (statusCode === 429) this.ctx.logger.warn?.(`Freepik: rate limited on ${method} ${path}`);
		return {
			failure: {
				statusCode,
				headers: raw.headers,
				body: parsed.ok ? parsed.value : undefined,
				bodyExcerpt: parsed.ok ? undefined : this.excerptOf(raw.body),
			},
		};
	}

	private excerptOf(body: unknown): string {
		const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
		// Redact before cutting: a key straddling the cut would otherwise survive in part.
		return excerpt(this.redact(text) || '(empty body)');
	}

	error(
		failure: HttpFailure,
		action: string,
		context: { itemIndex?: number; taskId?: string; extraDescription?: string; messageNote?: string },
	) {
		const safeBody =
			failure.body === undefined ? undefined : JSON.parse(this.redact(JSON.stringify(failure.body)));
		return toNodeApiError(this.ctx.getNode(), { ...failure, body: safeBody }, action, context);
	}
}

export function cancelledError(ctx: IExecuteFunctions) {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled', {
		description: 'Waiting stopped because the execution was cancelled. Tasks already created keep running on Freepik.',
	});
}

/** Waits `ms`, but returns early (within a quarter second) once the execution is cancelled. */
async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
	const until = Date.now() + ms;
	for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) await sleep(Math.min(left, 250));
}

function parseJson(body: unknown): { ok: true; value: unknown } | { ok: false } {
	if (typeof body !== 'string') return body === undefined ? { ok: false } : { ok: true, value: body };
	try {
		return { ok: true, value: JSON.parse(body) };
	} catch {
		return { ok: false };
	}
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'another location';
	}
}
