import type { IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { FreepikTask } from '../helpers/types';
import { excerpt, toNodeApiError, type HttpFailure } from './errors';
import { FREEPIK_RATE_LIMITS, RateLimiter, type RateLimits } from './rateLimiter';

export const API_PATH = '/v1/ai/audio-isolation';
const CREDENTIAL = 'freepikApi';

export interface ClientOptions {
	/** Per-request timeout. */
	timeoutMs: number;
	/** Retries of a GET after 429/5xx/network errors. */
	maxRetries: number;
	rateLimits: RateLimits;
	signal?: AbortSignal;
}

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = {
	timeoutMs: 120_000,
	maxRetries: 5,
	rateLimits: FREEPIK_RATE_LIMITS,
};

/** Network errors after which a GET is safe to repeat. */
const TRANSIENT_CODES = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|ESOCKETTIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_CONNECTION_TIMEOUT|UND_ERR_\w+)$/;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** A create may only be repeated when the server cannot have made the task. */
const CREATE_SAFE_STATUS = new Set([429, 503]);
const CREATE_SAFE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Body of a create request: JSON fields, or a ready JSON buffer (file inlined as base64). */
export type RequestBody = () => object | Promise<Buffer>;

interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** Which network error code hides in an error thrown by n8n's request helpers (axios underneath). */
export function networkCode(error: unknown): string {
	let current = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^[A-Z_]+$/.test(current.code)) {
			if (current.code === 'ECONNABORTED' && /timeout/i.test(String(current.message))) return 'ETIMEDOUT';
			return current.code;
		}
		const message = String(current.message ?? '');
		const found = message.match(/\b(E[A-Z]{4,}|socket hang up|timeout of \d+ms exceeded|aborted|canceled)\b/);
		if (found) {
			if (found[1] === 'socket hang up') return 'ECONNRESET';
			if (found[1].startsWith('timeout')) return 'ETIMEDOUT';
			if (found[1] === 'aborted' || found[1] === 'canceled') return 'ERR_CANCELED';
			return found[1];
		}
		current = current.cause as typeof current;
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

export function backoffMs(attempt: number): number {
	const base = Math.min(30_000, 500 * 2 ** attempt);
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
		this.limiter = new RateLimiter(options.rateLimits);
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
			ambiguousHint?: string;
		},
	): Promise<RawResponse> {
		const canRetry =
			policy.canRetry ??
			((failure: HttpFailure) =>
				failure.statusCode !== undefined
					? RETRYABLE_STATUS.has(failure.statusCode)
					: TRANSIENT_CODES.test(failure.code ?? ''));
		for (let attempt = 0; ; attempt++) {
			const { signal } = this.options;
			if (signal?.aborted) throw cancelledError(this.ctx);
			await this.limiter.acquire(signal);
			if (signal?.aborted) throw cancelledError(this.ctx);
			const { response, failure } = await this.attempt(method, path, body);
			if (response) {
				this.limiter.onSuccess();
				return response;
			}
			if (signal?.aborted) throw cancelledError(this.ctx);
			let waitMs = backoffMs(attempt);
			if (failure.statusCode === 429 || failure.statusCode === 503) {
				const serverWait = retryAfterMs(failure.headers);
				if (failure.statusCode === 429) waitMs = this.limiter.onRateLimited(serverWait ?? waitMs);
				else if (serverWait !== undefined) waitMs = serverWait;
			}
			const pastDeadline = policy.deadline !== undefined && Date.now() + waitMs > policy.deadline;
			if (!canRetry(failure) || attempt >= this.options.maxRetries || pastDeadline) {
				const ambiguous = method === 'POST' && !canRetry(failure);
				const retried = attempt > 0 ? `Tried ${attempt + 1} times.` : undefined;
				throw this.error(failure, action, {
					itemIndex: policy.itemIndex,
					taskId: policy.taskId,
					extraDescription: [ambiguous ? policy.ambiguousHint : undefined, retried]
						.filter(Boolean)
						.join('\n'),
				});
			}
			this.ctx.logger.debug(
				`Freepik: ${method} ${path} failed (${failure.statusCode ?? failure.code}), retry ${attempt + 1}/${this.options.maxRetries} in ${waitMs} ms`,
			);
			await sleep(waitMs);
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
			timeout: this.options.timeoutMs,
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
		return this.redact(excerpt(text || '(empty body)'));
	}

	error(
		failure: HttpFailure,
		action: string,
		context: { itemIndex?: number; taskId?: string; extraDescription?: string },
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
