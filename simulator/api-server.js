// @ts-check
'use strict';

const crypto = require('crypto');
const { sendJson, sendText, delay, resetConnection, HttpError } = require('./http-util');
const { isLargeString, JsonSyntaxError } = require('./json-body');
const { readCreateBody, parseCreateBody } = require('./create-body');
const { validateCreateBody } = require('./validate');
const { createTask, transitions } = require('./tasks');
const { applyPreFault, MALFORMED_BODY } = require('./fault-responses');
const { pageOf, requestedPage } = require('./list-pages');

const BASE = '/v1/ai/audio-isolation';

/** @typedef {import('http').IncomingMessage} IncomingMessage */
/** @typedef {import('http').ServerResponse} ServerResponse */
/** @typedef {import('./recorder').RecordedRequest} RecordedRequest */

/**
 * @param {string | undefined} method
 * @param {string} pathname
 * @returns {{ route: 'create' | 'get' | 'list' | 'other', taskId: string | null, status?: number }}
 */
function classify(method, pathname) {
	const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
	if (path === BASE) {
		if (method === 'POST') return { route: 'create', taskId: null };
		if (method === 'GET') return { route: 'list', taskId: null };
		return { route: 'other', taskId: null, status: 405 };
	}
	if (path.startsWith(`${BASE}/`) && !path.slice(BASE.length + 1).includes('/')) {
		const taskId = decodeURIComponent(path.slice(BASE.length + 1));
		return method === 'GET' ? { route: 'get', taskId } : { route: 'other', taskId, status: 405 };
	}
	return { route: 'other', taskId: null, status: 404 };
}

/**
 * The create body as recorded: small members as sent; long strings replaced by their length, and
 * for the base64 media input also by the decoded byte count and sha256.
 * @param {unknown} body
 * @param {{ field: string, kind: string, bytes?: number, sha256?: string } | null} input
 * @param {number} limit
 */
function recordedBody(body, input, limit) {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
	/** @type {Record<string, unknown>} */
	const out = {};
	for (const [name, value] of Object.entries(body)) {
		if (!(isLargeString(value) || (typeof value === 'string' && value.length > limit))) {
			out[name] = value;
			continue;
		}
		out[`${name}Length`] = /** @type {{ length: number }} */ (value).length;
		if (input && input.field === name && input.kind === 'base64') {
			out[`${name}Bytes`] = input.bytes;
			out[`${name}Sha256`] = input.sha256;
		}
	}
	return out;
}

/**
 * @param {Record<string, any>} core - internal state built by createSimulator (index.js)
 */
function createApiHandler(core) {
	const { options, recorder } = core;

	/** @type {import('http').RequestListener} */
	return async function handleApi(req, res) {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (url.pathname.startsWith('/__sim/')) return core.handleControl(req, res, url);
		const { route, taskId, status } = classify(req.method, url.pathname);
		const entry = recorder.start('api', route, req, res, url, taskId);
		try {
			if (route !== 'other') {
				const fault = core.faults.take(route, 'pre', taskId ?? undefined);
				if (fault) {
					entry.fault = fault.kind;
					recorder.countFault();
					if (await applyPreFault(fault, req, res, core)) return;
				}
			}
			if (!url.pathname.startsWith('/v1/'))
				return drainAndSend(req, res, status ?? 404, { message: 'Not found' });
			const key = req.headers[options.keyHeader];
			if (typeof key !== 'string' || key === '')
				return drainAndSend(req, res, 401, { message: 'Missing API key' });
			if (key !== options.apiKey)
				return drainAndSend(req, res, 401, { message: 'Invalid API key' });
			const limiter = core.rateLimiter();
			if (limiter) {
				const decision = limiter.take(req.socket.remoteAddress ?? key);
				if (!decision.allowed) {
					recorder.countRateLimited();
					/** @type {Record<string, string>} */
					const headers = limiter.config.retryAfter
						? { 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) }
						: {};
					return drainAndSend(req, res, 429, { message: 'Too many requests' }, headers);
				}
			}
			if (route === 'create') return await handleCreate(req, res, entry);
			if (route === 'get') return handleGet(res, /** @type {string} */ (taskId), entry);
			if (route === 'list') return handleList(req, res, url, entry);
			return drainAndSend(req, res, status ?? 404, {
				message: status === 405 ? 'Method not allowed' : 'Not found',
			});
		} catch (err) {
			if (res.headersSent) res.destroy();
			else if (err instanceof HttpError)
				drainAndSend(req, res, err.status, { message: err.message });
			else sendJson(res, 500, { message: 'Internal Server Error' });
		}
	};

	/**
	 * A 400 naming the refused parameters, in either of the two forms of Freepik's error schema:
	 * `{ message, invalid_params }`, or with option `problemErrors` the problem document
	 * `{ problem: { message, invalid_params } }` as application/problem+json.
	 * @param {ServerResponse} res @param {string} message
	 * @param {import('./validate').InvalidParam[]} invalidParams
	 */
	function sendInvalid(res, message, invalidParams) {
		const details = { message, invalid_params: invalidParams };
		if (!options.problemErrors) return sendJson(res, 400, details);
		const type = { 'content-type': 'application/problem+json' };
		return sendJson(res, 400, { problem: details }, type);
	}

	/** @param {IncomingMessage} req @param {ServerResponse} res @param {RecordedRequest} entry */
	async function handleCreate(req, res, entry) {
		const read = await readCreateBody(req, options.maxBodyBytes, options.recordStringLimit);
		entry.bodyBytes = read.bytes;
		let body;
		try {
			body = parseCreateBody(read);
		} catch (err) {
			if (!(err instanceof JsonSyntaxError)) throw err;
			entry.body = { invalidJson: true };
			return sendInvalid(res, 'Invalid JSON body', [{ name: 'body', reason: 'is not valid JSON' }]);
		}
		const { errors, input } = validateCreateBody(body);
		entry.body = recordedBody(body, input, options.recordStringLimit);
		entry.input = input;
		if (errors.length > 0) return sendInvalid(res, 'Invalid request', errors);

		const task = createTask({
			id: crypto.randomUUID(),
			index: core.nextTaskIndex(),
			body: /** @type {Record<string, unknown>} */ (entry.body),
			recordedBody: /** @type {Record<string, unknown>} */ (entry.body),
			input,
			options,
			now: Date.now(),
		});
		core.tasks.set(task.id, task);
		recorder.countCreate();
		entry.taskId = task.id;
		core.webhooks.schedule(task, transitions(task));

		const view = { task_id: task.id, status: 'CREATED', generated: [] };
		const fault = core.faults.take('create', 'post');
		if (!fault) return sendJson(res, 200, { data: view });
		entry.fault = fault.kind;
		recorder.countFault();
		switch (fault.kind) {
			case 'resetAfterCreate':
				return resetConnection(res);
			case 'delayAfterCreate':
				await delay(fault.ms, core.timers);
				return sendJson(res, 200, { data: view });
			default:
				return sendPostFault(res, fault, view);
		}
	}

	/** @param {ServerResponse} res @param {string} taskId @param {RecordedRequest} entry */
	function handleGet(res, taskId, entry) {
		const task = core.tasks.get(taskId);
		if (!task) return sendJson(res, 404, { message: 'Not found' });
		const fault = core.faults.take('get', 'post', taskId);
		if (fault) {
			entry.fault = fault.kind;
			recorder.countFault();
		}
		const view = core.view(task, fault?.kind === 'unknownStatus' ? fault.taskStatus : undefined);
		return fault ? sendPostFault(res, fault, view) : sendJson(res, 200, { data: view });
	}

	/**
	 * Every task, newest first; in pages when the `listPages` option is set (see list-pages.js).
	 * @param {IncomingMessage} req @param {ServerResponse} res @param {URL} url @param {RecordedRequest} entry
	 */
	function handleList(req, res, url, entry) {
		const fault = core.faults.take('list', 'post');
		if (fault) {
			entry.fault = fault.kind;
			recorder.countFault();
		}
		const override = fault?.kind === 'unknownStatus' ? fault.taskStatus : undefined;
		const views = [...core.tasks.values()]
			.reverse()
			.map((task) => listItem(core.view(task, override), options.listGenerated));
		if (fault && fault.kind !== 'unknownStatus') return sendPostFault(res, fault, views);
		/** @type {import('./list-pages').ListPages | null} */
		const pages = options.listPages;
		if (!pages) return sendJson(res, 200, { data: views });
		const { page, error } = requestedPage(url.searchParams);
		if (page === undefined) {
			return sendInvalid(res, 'Invalid request', [{ name: 'page', reason: error }]);
		}
		const where = {
			apiOrigin: `http://${req.headers.host}`,
			foreignOrigin: core.fileUrl,
			path: BASE,
		};
		return sendJson(res, 200, pageOf(views, pages, page, where));
	}
}

/**
 * A task as the list shows it: the example items of the docs' task-list page carry only `task_id`
 * and `status` (test/contract/fixtures/list-tasks.json); option `listGenerated` adds
 * `generated`, as some clients report seeing.
 * @param {{ task_id: string, status: string, generated: string[] }} view
 * @param {boolean} withGenerated
 */
function listItem(view, withGenerated) {
	return withGenerated ? view : { task_id: view.task_id, status: view.status };
}

/**
 * Answers for the "post" faults that only change the body of a successful answer.
 * @param {ServerResponse} res @param {import('./faults').ArmedFault} fault @param {object} data
 */
function sendPostFault(res, fault, data) {
	switch (fault.kind) {
		case 'malformed':
			return sendText(res, 200, MALFORMED_BODY, 'application/json');
		case 'noTaskId':
			return sendJson(res, 200, { data: {} });
		case 'unknownStatus':
			return sendJson(res, 200, { data: { ...data, status: fault.taskStatus } });
		default:
			throw new Error(`unexpected fault ${fault.kind}`);
	}
}

/**
 * Answers without reading the body (it is drained so the connection stays usable).
 * @param {IncomingMessage} req @param {ServerResponse} res @param {number} status @param {unknown} payload
 * @param {Record<string, string>} [headers]
 */
function drainAndSend(req, res, status, payload, headers) {
	req.resume();
	sendJson(res, status, payload, headers);
}

module.exports = { createApiHandler, recordedBody };
