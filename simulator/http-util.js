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
 * Reads a request body into ONE Buffer. When Content-Length is known the buffer is allocated once
 * and filled in place, so a 300 MB upload costs 300 MB, not twice that.
 * @param {import('http').IncomingMessage} req
 * @param {number} limit maximum number of bytes
 * @returns {Promise<Buffer>}
 */
function readBody(req, limit) {
	return new Promise((resolve, reject) => {
		const declared =
			req.headers['content-length'] === undefined ? NaN : Number(req.headers['content-length']);
		if (declared > limit) {
			req.resume();
			reject(new HttpError(413, 'Request entity too large'));
			return;
		}
		const preallocated = Number.isSafeInteger(declared) ? Buffer.allocUnsafe(declared) : null;
		/** @type {Buffer[]} */
		const chunks = [];
		let received = 0;
		let failed = false;
		req.on('data', (/** @type {Buffer} */ chunk) => {
			if (failed) return;
			if (received + chunk.length > (preallocated ? preallocated.length : limit)) {
				failed = true;
				req.resume();
				reject(new HttpError(413, 'Request entity too large'));
				return;
			}
			if (preallocated) chunk.copy(preallocated, received);
			else chunks.push(chunk);
			received += chunk.length;
		});
		req.on('end', () => {
			if (failed) return;
			if (preallocated)
				resolve(
					received === preallocated.length ? preallocated : preallocated.subarray(0, received),
				);
			else resolve(Buffer.concat(chunks, received));
		});
		req.on('error', (err) => {
			if (!failed) reject(err);
			failed = true;
		});
	});
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

module.exports = { HttpError, sendJson, sendText, readBody, delay, resetConnection };
