// @ts-check
'use strict';

/**
 * Task records and their lifecycle. Status is computed from the clock, so no timers are needed:
 * CREATED until ~10% of the duration, then IN_PROGRESS, then COMPLETED or FAILED.
 */

/**
 * @typedef {object} SimTask
 * @property {string} id
 * @property {number} index            creation order since the last reset (0-based)
 * @property {number} createdAt        unix ms
 * @property {number} inProgressAt     unix ms
 * @property {number | null} doneAt    unix ms; null = never finishes
 * @property {'COMPLETED' | 'FAILED'} outcome
 * @property {string | null} unknownStatus  non-documented status the task shows from inProgressAt on
 * @property {number} resultCount
 * @property {number} resultBytes
 * @property {string | null} webhookUrl
 * @property {object | null} input     what the simulator received as audio/video
 * @property {Record<string, unknown>} body  the create body as recorded (long strings reduced to their length)
 * @property {number | null} urlExpires expiry of the current signed result URLs
 * @property {number} revokedUntil     URLs expiring at or before this are refused (expire fault)
 * @property {boolean} resignOnNextGet
 */

const HINT = /\[sim:([a-z]+)(?:=([^\]]*))?\]/gi;

/**
 * Reads `[sim:...]` hints from a description so out-of-process tests can steer one task.
 * @param {string} description
 */
function parseHints(description) {
	/** @type {{ durationMs?: number, fail?: boolean, results?: number, bytes?: number, status?: string, never?: boolean }} */
	const hints = {};
	for (const [, name, value = ''] of description.matchAll(HINT)) {
		const number = Number(value);
		switch (name.toLowerCase()) {
			case 'duration':
				if (value !== '' && number >= 0) hints.durationMs = number;
				break;
			case 'fail':
				hints.fail = true;
				break;
			case 'results':
				if (Number.isInteger(number) && number >= 0) hints.results = number;
				break;
			case 'bytes':
				if (Number.isInteger(number) && number >= 0) hints.bytes = number;
				break;
			case 'status':
				if (value) hints.status = value;
				break;
			case 'never':
				hints.never = true;
				break;
			default:
				break;
		}
	}
	return hints;
}

/**
 * Option values may be constants or `(body, index) => value`.
 * @template T
 * @param {import('./options').PerTask<T>} option @param {Record<string, unknown>} body @param {number} index
 * @returns {T}
 */
function resolve(option, body, index) {
	return typeof option === 'function'
		? /** @type {(body: Record<string, unknown>, index: number) => T} */ (option)(body, index)
		: /** @type {T} */ (option);
}

/**
 * @param {{ id: string, index: number, body: Record<string, unknown>, recordedBody: Record<string, unknown>,
 *   input: object | null, options: Record<string, any>, now: number }} args
 * @returns {SimTask}
 */
function createTask({ id, index, body, recordedBody, input, options, now }) {
	const hints = parseHints(typeof body.description === 'string' ? body.description : '');
	const durationMs = Math.max(
		0,
		Number(hints.durationMs ?? resolve(options.taskDurationMs, body, index)) || 0,
	);
	const unknownStatus = hints.status ?? resolve(options.unknownStatus, body, index) ?? null;
	const never = hints.never === true || unknownStatus !== null;
	return {
		id,
		index,
		createdAt: now,
		inProgressAt: now + Math.round(durationMs * 0.1),
		doneAt: never ? null : now + durationMs,
		outcome: hints.fail || resolve(options.failTasks, body, index) ? 'FAILED' : 'COMPLETED',
		unknownStatus,
		resultCount: hints.results ?? resolve(options.resultCount, body, index),
		resultBytes: hints.bytes ?? options.resultBytes,
		webhookUrl: typeof body.webhook_url === 'string' ? body.webhook_url : null,
		input,
		body: recordedBody,
		urlExpires: null,
		revokedUntil: 0,
		resignOnNextGet: false,
	};
}

/** @param {SimTask} task @param {number} now */
function statusAt(task, now) {
	if (now < task.inProgressAt) return 'CREATED';
	if (task.unknownStatus) return task.unknownStatus;
	if (task.doneAt === null || now < task.doneAt) return 'IN_PROGRESS';
	return task.outcome;
}

/**
 * The status changes a task goes through, for webhooks.
 * @param {SimTask} task
 * @returns {{ at: number, status: string }[]}
 */
function transitions(task) {
	const list = [
		{ at: task.createdAt, status: 'CREATED' },
		{ at: task.inProgressAt, status: task.unknownStatus ?? 'IN_PROGRESS' },
	];
	if (task.doneAt !== null) list.push({ at: task.doneAt, status: task.outcome });
	return list;
}

/**
 * The public JSON of a task. Result URLs are signed once at completion and re-signed when they
 * have expired or an `expire` fault asked for it.
 * @param {SimTask} task
 * @param {number} now
 * @param {{ fileUrl: string, signer: ReturnType<typeof import('./url-signing').createUrlSigner>, urlTtlMs: number }} ctx
 * @param {string} [statusOverride]
 */
function taskView(task, now, ctx, statusOverride) {
	const status = statusOverride ?? statusAt(task, now);
	/** @type {string[]} */
	const generated = [];
	if (status === 'COMPLETED') {
		if (task.urlExpires === null)
			task.urlExpires = /** @type {number} */ (task.doneAt) + ctx.urlTtlMs;
		if (task.resignOnNextGet || now >= task.urlExpires) {
			task.urlExpires = Math.max(now + ctx.urlTtlMs, task.revokedUntil + 1);
			task.resignOnNextGet = false;
		}
		for (let n = 0; n < task.resultCount; n++)
			generated.push(ctx.signer.url(ctx.fileUrl, task.id, n, task.urlExpires));
	}
	return { task_id: task.id, status, generated };
}

module.exports = { createTask, statusAt, transitions, taskView };
