// @ts-check
'use strict';

const { STATUS_CODES } = require('http');
const { sendJson, sendText, delay, resetConnection } = require('./http-util');

/** @param {number} status */
const HTML_ERROR_PAGE = (status) =>
	`<html>\r\n<head><title>${status} ${STATUS_CODES[status] ?? 'Error'}</title></head>\r\n<body>\r\n<center><h1>${status} ${STATUS_CODES[status] ?? 'Error'}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;

/**
 * A CDN-style error document (the file host is not JSON).
 * @param {import('http').ServerResponse} res @param {number} status @param {string} code @param {string} message
 */
function sendXmlError(res, status, code, message) {
	const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
	sendText(res, status, body, 'application/xml');
}

/**
 * Applies a "pre" fault (before the simulator does any work).
 * @param {Record<string, any>} fault
 * @param {import('http').IncomingMessage} req
 * @param {import('http').ServerResponse} res
 * @param {Record<string, any>} core  the simulator's state: its delay timers and reset count
 * @returns {Promise<boolean>} true when the fault answered (or killed) the request
 */
async function applyPreFault(fault, req, res, core) {
	switch (fault.kind) {
		case 'reset':
			resetConnection(res);
			return true;
		case 'delay': {
			const resetsBefore = core.resets;
			await delay(fault.ms, core.timers);
			if (core.resets === resetsBefore) return false;
			// The simulator was reset while this request was held: it belongs to the world before
			// (an earlier test case, whose client gave up on it). Going on, it would take the faults,
			// tasks and rate-limit tokens meant for the requests after the reset.
			res.destroy();
			return true;
		}
		case 'status': {
			req.resume();
			const headers = fault.headers ?? {};
			if (typeof fault.body === 'string') {
				sendText(
					res,
					fault.status,
					fault.body,
					headers['content-type'] ?? 'application/json',
					headers,
				);
			} else {
				sendJson(
					res,
					fault.status,
					fault.body ?? { message: STATUS_CODES[fault.status] ?? 'Error' },
					headers,
				);
			}
			return true;
		}
		case 'html':
			req.resume();
			sendText(
				res,
				fault.status,
				HTML_ERROR_PAGE(fault.status),
				'text/html; charset=utf-8',
				fault.headers ?? {},
			);
			return true;
		case 'redirect':
			req.resume();
			res.writeHead(fault.status, {
				location: fault.location,
				'content-length': 0,
				...(fault.headers ?? {}),
			});
			res.end();
			return true;
		default:
			throw new Error(`not a pre fault: ${fault.kind}`);
	}
}

/** The truncated JSON body of a `malformed` fault. */
const MALFORMED_BODY = '{"data": {"task_';

module.exports = { applyPreFault, sendXmlError, MALFORMED_BODY };
