// @ts-check
'use strict';

/** Small helpers shared by the API, file and control servers. */

class HttpError extends Error {
	/**
	 * @param {number} status
	 * @param {string} message
	 */
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

/**
 * @param {import('http').ServerResponse} res
 * @param {number} status
 * @param {unknown} payload
 * @param {Record<string, string | number>} [headers]
 */
function sendJson(res, status, payload, headers = {}) {
	const body = JSON.stringify(payload);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(body),
		...headers,
	});
	res.end(body);
}

/**
 * @param {import('http').ServerResponse} res
 * @param {number} status
 * @param {string} body
 * @param {string} contentType
 * @param {Record<string, string | number>} [headers]
 */
function sendText(res, status, body, contentType, headers = {}) {
	res.writeHead(status, {
		'content-type': contentType,
		'content-length': Buffer.byteLength(body),
		...headers,
	});
	res.end(body);
}

/**
 * Reads a request body, handing each chunk to `onChunk` as it arrives.
 * @param {import('http').IncomingMessage} req
 * @param {number} limit maximum number of bytes (larger: HttpError 413, the rest is drained)
 * @param {(chunk: Buffer) => void} onChunk may throw to refuse the body
 * @returns {Promise<number>} the number of bytes received
 */
function receiveBody(req, limit, onChunk) {
	return new Promise((resolve, reject) => {
		const declared =
			req.headers['content-length'] === undefined ? NaN : Number(req.headers['content-length']);
		const max = Number.isSafeInteger(declared) ? declared : limit;
		let received = 0;
		let failed = false;
		/** @param {Error} err */
		const fail = (err) => {
			failed = true;
			req.resume();
			reject(err);
		};
		if (declared > limit) return fail(new HttpError(413, 'Request entity too large'));
		req.on('data', (/** @type {Buffer} */ chunk) => {
			if (failed) return;
			received += chunk.length;
			if (received > max) return fail(new HttpError(413, 'Request entity too large'));
			try {
				onChunk(chunk);
			} catch (err) {
				fail(/** @type {Error} */ (err));
			}
		});
		req.on('end', () => {
			if (!failed) resolve(received);
		});
		req.on('error', (err) => {
			if (!failed) reject(err);
			failed = true;
		});
	});
}

/**
 * Reads a (small) request body into one Buffer.
 * @param {import('http').IncomingMessage} req
 * @param {number} limit maximum number of bytes
 * @returns {Promise<Buffer>}
 */
async function readBody(req, limit) {
	/** @type {Buffer[]} */
	const chunks = [];
	const received = await receiveBody(req, limit, (chunk) => chunks.push(chunk));
	return Buffer.concat(chunks, received);
}

/**
 * @param {number} ms
 * @param {Set<NodeJS.Timeout>} timers pending timers, cleared when the simulator closes
 */
function delay(ms, timers) {
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			resolve(undefined);
		}, ms);
		timers.add(timer);
	});
}

/**
 * Destroys the connection without answering (simulates a network reset).
 * @param {import('http').ServerResponse} res
 */
function resetConnection(res) {
	res.socket?.resetAndDestroy?.() ?? res.socket?.destroy();
}

module.exports = { HttpError, sendJson, sendText, receiveBody, readBody, delay, resetConnection };
