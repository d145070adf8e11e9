import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseJson } from '../helpers/json';
import { DEFAULTS } from '../helpers/limits';
import type { FreepikTask } from '../helpers/types';
import { UploadBody } from '../helpers/uploadBody';
import { credentialApiHost } from './apiHost';
import { uploadTimeoutMs } from '../helpers/uploadSlots';
import { excerpt, toNodeApiError, type ErrorContext, type HttpFailure } from '../helpers/errors';
import { sharedLimiter } from './limiterRegistry';
import { networkCode } from './networkErrors';
import { RateLimiter } from './rateLimiter';
import { acquireBeforeDeadline } from './limiterWait';
import { CLIENT_DEFAULTS, type ClientOptions } from './clientOptions';
import { hostOf, taskIn, tasksIn } from './responses';
import { readTaskList, type ListPage } from './taskList';
import { AMBIGUOUS_CREATE_NOTE, decideRetry, type CallKind, type Headers } from './retryPolicy';

export type { TaskList } from './taskList';
export { CLIENT_DEFAULTS, type ClientOptions };

export const API_PATH = '/v1/ai/audio-isolation';
const CREDENTIAL = 'freepikApi';

/**
 * Body of a create request: JSON fields, or a JSON body streamed with the file inlined as base64.
 * Called once per attempt, so a retry reads the file again.
 */
export type RequestBody = () => object | Promise<UploadBody>;

interface RawResponse {
	statusCode: number;
	headers: Headers;
	body: unknown;
}

type Attempt =
	| { response: RawResponse; failure?: undefined }
	| { response?: undefined; failure: HttpFailure & { headers?: Headers } };

interface CallPolicy {
	kind: CallKind;
	itemIndex: number;
	taskId?: string;
	deadline?: number;
}

const AMBIGUOUS_HINT =
	'The request may have reached Freepik, so it was not repeated (that could create and bill ' +
	'a second task). ' +
	'Run the Get Many operation to see whether the task exists before running this item again.';

/**
 * The only place that talks to the Freepik API. Every call passes the shared rate limiter, carries
 * a timeout, never follows redirects (the key must not travel to another host) and turns failures
 * into NodeApiErrors without the key. File downloads live in helpers/binary.ts and never carry the
 * key.
 */
export class FreepikClient {
	readonly limiter: RateLimiter;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly baseUrl: string,
		private readonly apiKey: string,
		readonly options: ClientOptions,
	) {
		this.limiter = sharedLimiter(baseUrl, options.rateLimits);
	}

	static async create(ctx: IExecuteFunctions, options: Partial<ClientOptions> = {}) {
		const credentials = await ctx.getCredentials(CREDENTIAL);
		const { baseUrl } = credentialApiHost(ctx.getNode(), credentials);
		return new FreepikClient(ctx, baseUrl, String(credentials.apiKey ?? ''), {
			...CLIENT_DEFAULTS,
			...options,
		});
	}

	/** Replaces any occurrence of the API key (a server might echo it back). */
	redact(text: string): string {
		return this.apiKey.length >= 4 ? text.split(this.apiKey).join('***') : text;
	}

	/**
	 * POST a new task. Repeated only on answers that prove no task was created (429, 503, refused).
	 */
	async createTask(body: RequestBody, itemIndex: number): Promise<FreepikTask> {
		const action = 'creating the isolation task';
		const response = await this.send('POST', API_PATH, body, action, { kind: 'create', itemIndex });
		return this.taskFrom(response, action, itemIndex, undefined, true);
	}

	async getTask(taskId: string, itemIndex: number, deadline?: number): Promise<FreepikTask> {
		const action = `getting task ${taskId}`;
		const path = `${API_PATH}/${encodeURIComponent(taskId)}`;
		const response = await this.send('GET', path, undefined, action, {
			kind: 'read',
			itemIndex,
			taskId,
			deadline,
		});
		return this.taskFrom(response, action, itemIndex, taskId);
	}

	/** The account's tasks, newest first, page by page (see taskList.ts). */
	async listTasks(itemIndex: number, limit: number) {
		const maxPages = DEFAULTS.listMaxPages;
		const bounds = { baseUrl: this.baseUrl, listPath: API_PATH, limit, maxPages };
		const readPage = async (path: string, page: number) =>
			await this.listPage(path, itemIndex, page);
		return await readTaskList(readPage, this.ctx.logger, bounds);
	}

	private async listPage(path: string, itemIndex: number, page: number): Promise<ListPage> {
		const action = page === 1 ? 'listing tasks' : `listing tasks (page ${page})`;
		const { statusCode, body } = await this.send('GET', path, undefined, action, {
			kind: 'read',
			itemIndex,
		});
		const tasks = tasksIn(body);
		if (tasks) return { tasks, body };
		const extraDescription = 'Expected {"data": [...]} from Freepik.';
		const failure = { statusCode, bodyExcerpt: this.excerptOf(body) };
		throw this.error(failure, action, { itemIndex, extraDescription });
	}

	private taskFrom(
		response: RawResponse,
		action: string,
		itemIndex: number,
		taskId?: string,
		afterCreate = false,
	): FreepikTask {
		const task = taskIn(response.body);
		if (task) return task;
		throw this.error(
			{ statusCode: response.statusCode, bodyExcerpt: this.excerptOf(response.body) },
			action,
			{
				itemIndex,
				taskId,
				messageNote: afterCreate ? AMBIGUOUS_CREATE_NOTE : undefined,
				mayHaveCreated: afterCreate,
				extraDescription: afterCreate
					? 'Freepik answered without a task_id. A task may have been created anyway: check ' +
						'Get Many before retrying.'
					: 'Expected {"data": {"task_id": ...}} from Freepik.',
			},
		);
	}

	private async send(
		method: IHttpRequestMethods,
		path: string,
		body: RequestBody | undefined,
		action: string,
		policy: CallPolicy,
	): Promise<RawResponse> {
		const { signal } = this.options;
		for (let attempt = 0; ; attempt++) {
			if (signal?.aborted) throw cancelledError(this.ctx);
			const grantedAt = await acquireBeforeDeadline(this.limiter, this.ctx.getNode(), {
				...this.options,
				baseUrl: this.baseUrl,
				action,
				policy,
			});
			if (signal?.aborted) throw cancelledError(this.ctx);
			const { response, failure } = await this.attempt(method, path, body);
			if (grantedAt !== undefined) this.limiter.answered(grantedAt);
			if (response) {
				this.limiter.onSuccess();
				return response;
			}
			if (signal?.aborted) throw cancelledError(this.ctx);
			const decision = decideRetry({
				kind: policy.kind,
				failure,
				attempt,
				settings: this.options,
				now: Date.now(),
				deadline: policy.deadline,
			});
			if (failure.statusCode === 429) this.limiter.onRateLimited(decision.waitMs);
			if (!decision.retry) {
				throw this.error(failure, action, {
					itemIndex: policy.itemIndex,
					taskId: policy.taskId,
					messageNote: decision.ambiguous ? AMBIGUOUS_CREATE_NOTE : undefined,
					extraDescription: [decision.ambiguous ? AMBIGUOUS_HINT : undefined, ...decision.notes]
						.filter(Boolean)
						.join('\n'),
					mayHaveCreated: decision.ambiguous,
				});
			}
			this.ctx.logger.debug(
				`Freepik: ${method} ${path} failed (${failure.statusCode ?? failure.code}), retry ` +
					`${attempt + 1}/${this.options.maxRetries} in ${decision.waitMs} ms`,
			);
			await this.options.sleep(decision.waitMs, signal);
		}
	}

	private async attempt(
		method: IHttpRequestMethods,
		path: string,
		body: RequestBody | undefined,
	): Promise<Attempt> {
		const payload = await body?.();
		const upload = payload instanceof UploadBody ? payload : undefined;
		const request: IHttpRequestOptions = {
			method,
			url: `${this.baseUrl}${path}`,
			headers: { accept: 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: upload
				? uploadTimeoutMs(upload.bodyBytes, this.options.timeoutMs)
				: this.options.timeoutMs,
			encoding: 'text',
			json: false,
			abortSignal: this.options.signal,
		};
		if (payload !== undefined) {
			request.headers!['content-type'] = 'application/json';
			if (upload) request.headers!['content-length'] = String(upload.bodyBytes);
			request.body = upload ? (upload as unknown as IDataObject) : JSON.stringify(payload);
		}
		let raw: RawResponse;
		try {
			raw = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				CREDENTIAL,
				request,
			)) as RawResponse;
		} catch (error) {
			this.throwIfUnreadable(upload);
			return { failure: { code: networkCode(error) } };
		} finally {
			// An answer can come before the whole body was read (a 503 up front): stop reading.
			upload?.close();
		}
		this.throwIfUnreadable(upload);
		return this.classify(raw, method, path);
	}

	/**
	 * The file could not be read to the end, so the request was cut before its Content-Length:
	 * no task can have been created, and a retry would fail the same way.
	 */
	private throwIfUnreadable(upload: UploadBody | undefined) {
		if (!upload?.failure) return;
		throw new NodeOperationError(this.ctx.getNode(), upload.failure.message, {
			description:
				'The input file could not be read to the end while it was sent, so Freepik received ' +
				'an incomplete request and created no task.',
		});
	}

	/** A response as success or failure; no body carries the key out, even if a server echoes it. */
	private classify(raw: RawResponse, method: string, path: string): Attempt {
		raw.body = typeof raw.body === 'string' ? this.redact(raw.body) : raw.body;
		const parsed = parseJson(raw.body);
		const statusCode = raw.statusCode;
		if (statusCode >= 200 && statusCode < 300) {
			if (parsed.ok) return { response: { ...raw, body: parsed.value } };
			return {
				failure: { statusCode, bodyExcerpt: this.excerptOf(raw.body), code: 'INVALID_JSON' },
			};
		}
		if (statusCode >= 300 && statusCode < 400) {
			const location = String(raw.headers?.location ?? '');
			return {
				failure: {
					statusCode,
					bodyExcerpt:
						`redirect to ${hostOf(location)} was not followed, so the API key stays on the API ` +
						'host',
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

	error(failure: HttpFailure, action: string, context: ErrorContext) {
		const safeBody =
			failure.body === undefined
				? undefined
				: JSON.parse(this.redact(JSON.stringify(failure.body)));
		return toNodeApiError(this.ctx.getNode(), { ...failure, body: safeBody }, action, context);
	}
}

export function cancelledError(ctx: IExecuteFunctions) {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled', {
		description:
			'Waiting stopped because the execution was cancelled. Tasks already created keep ' +
			'running on Freepik.',
	});
}
