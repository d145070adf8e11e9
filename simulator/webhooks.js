// @ts-check
'use strict';

const crypto = require('crypto');
const http = require('http');
const https = require('https');

/**
 * HMAC key of a webhook secret: the UTF-8 bytes, or for a `whsec_` secret the base64-decoded rest
 * (both encodings appear in Freepik's samples).
 * @param {string} secret
 */
function webhookKey(secret) {
	return secret.startsWith('whsec_')
		? Buffer.from(secret.slice('whsec_'.length), 'base64')
		: Buffer.from(secret, 'utf8');
}

/**
 * The `webhook-signature` value: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
 * @param {{ id: string, timestamp: number | string, body: string, secret: string }} args
 */
function signWebhook({ id, timestamp, body, secret }) {
	const mac = crypto
		.createHmac('sha256', webhookKey(secret))
		.update(`${id}.${timestamp}.${body}`)
		.digest('base64');
	return `v1,${mac}`;
}

/** @param {string} url */
function isLoopbackUrl(url) {
	try {
		const { hostname, protocol } = new URL(url);
		return (
			(protocol === 'http:' || protocol === 'https:') &&
			['127.0.0.1', 'localhost', '[::1]'].includes(hostname)
		);
	} catch {
		return false;
	}
}

const newWebhookId = () => `msg_${crypto.randomBytes(12).toString('hex')}`;

/**
 * @typedef {object} WebhookSendOptions
 * @property {string} [secret]             signing secret (default: the simulator's)
 * @property {number} [timestamp]          unix seconds
 * @property {string} [id]
 * @property {string} [signatureOverride]  sent as `webhook-signature` instead of the real one (forgery tests)
 */

/**
 * @typedef {object} WebhookSendResult
 * @property {string} url
 * @property {string} id
 * @property {number} timestamp
 * @property {string} signature
 * @property {string} body            the raw JSON body sent
 * @property {number | null} status   the target's HTTP status; null when unreachable or refused
 * @property {string} [responseBody]
 * @property {string} [error]
 */

/**
 * @typedef {WebhookSendResult & { taskId: string, event: string, copy: number, at: number }} WebhookDelivery
 *   event: the task status announced; copy: 1, or 2 for the duplicate when webhookDuplicates is on
 */

/**
 * Sends (and records) webhook deliveries; schedules one per status change of a task.
 * @param {{ options: import('./options').SimOptions, deliveries: WebhookDelivery[], view: (task: import('./tasks').SimTask, status?: string) => object }} ctx
 */
function createWebhookDispatcher(ctx) {
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();
	/** @type {Set<import('http').ClientRequest>} */
	const inFlight = new Set();

	/**
	 * POSTs one webhook; resolves with the target's status (never rejects).
	 * @param {string} url
	 * @param {object} payload
	 * @param {WebhookSendOptions} [opts]
	 * @returns {Promise<WebhookSendResult>}
	 */
	function send(url, payload, opts = {}) {
		const body = JSON.stringify(payload);
		const id = opts.id ?? newWebhookId();
		const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
		const signature =
			opts.signatureOverride ??
			signWebhook({ id, timestamp, body, secret: opts.secret ?? ctx.options.webhookSecret });
		const base = { url, id, timestamp, signature, body };
		if (!isLoopbackUrl(url))
			return Promise.resolve({
				...base,
				status: null,
				error: 'refused: webhook target is not loopback',
			});
		return new Promise((resolve) => {
			const target = new URL(url);
			const req = (target.protocol === 'https:' ? https : http).request(target, {
				method: 'POST',
				agent: false,
				rejectUnauthorized: false,
				timeout: ctx.options.webhookTimeoutMs,
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(body),
					'webhook-id': id,
					'webhook-timestamp': String(timestamp),
					'webhook-signature': signature,
				},
			});
			inFlight.add(req);
			const done = (
				/** @type {number | null} */ status,
				/** @type {string} */ responseBody,
				/** @type {string} */ error,
			) => {
				inFlight.delete(req);
				resolve({ ...base, status, responseBody, ...(error ? { error } : {}) });
			};
			req.on('response', (res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (c) => chunks.length < 64 && chunks.push(c));
				res.on('end', () =>
					done(res.statusCode ?? null, Buffer.concat(chunks).toString('utf8'), ''),
				);
				res.on('error', (err) => done(res.statusCode ?? null, '', err.message));
			});
			req.on('timeout', () => req.destroy(new Error('timeout')));
			req.on('error', (err) => done(null, '', err.message));
			req.end(body);
		});
	}

	/** @param {WebhookDelivery} entry */
	function record(entry) {
		ctx.deliveries.push(entry);
		if (ctx.deliveries.length > ctx.options.maxRecordedRequests) ctx.deliveries.shift();
	}

	/**
	 * Schedules a delivery for each status change of `task` (in order, one after the other).
	 * @param {import('./tasks').SimTask} task
	 * @param {{ at: number, status: string }[]} changes
	 */
	function schedule(task, changes) {
		if (!task.webhookUrl) return;
		const url = task.webhookUrl;
		let chain = Promise.resolve();
		for (const change of changes) {
			const timer = setTimeout(
				() => {
					timers.delete(timer);
					chain = chain.then(() => deliver(task, url, change.status));
				},
				Math.max(0, change.at - Date.now()),
			);
			timer.unref();
			timers.add(timer);
		}
	}

	/** @param {import('./tasks').SimTask} task @param {string} url @param {string} event */
	async function deliver(task, url, event) {
		const payload = ctx.view(task, event);
		const id = newWebhookId();
		const timestamp = Math.floor(Date.now() / 1000);
		if (ctx.options.dropWebhooks) {
			const body = JSON.stringify(payload);
			record({
				taskId: task.id,
				event,
				copy: 1,
				at: Date.now(),
				url,
				id,
				timestamp,
				signature: '',
				body,
				status: null,
				error: 'dropped',
			});
			return;
		}
		const copies = ctx.options.webhookDuplicates ? 2 : 1;
		for (let copy = 1; copy <= copies; copy++) {
			const result = await send(url, payload, { id, timestamp });
			record({ taskId: task.id, event, copy, at: Date.now(), ...result });
		}
	}

	function clear() {
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
		for (const req of inFlight) req.destroy();
		inFlight.clear();
	}

	return { send, schedule, clear };
}

module.exports = { signWebhook, createWebhookDispatcher };
