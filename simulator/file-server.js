// @ts-check
'use strict';

const { applyPreFault, sendXmlError } = require('./fault-responses');
const { statusAt } = require('./tasks');
const { createWavStream, wavFileSize } = require('./wav');

const FILE_PATH = /^\/files\/([^/]+)\/(\d{1,6})\.wav$/;

/**
 * The "CDN" that serves generated WAVs on its own origin, behind signed, expiring URLs.
 * @param {Record<string, any>} core - internal state built by createSimulator (index.js)
 */
function createFileHandler(core) {
	const { recorder } = core;

	/** @type {import('http').RequestListener} */
	return async function handleFile(req, res) {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const match = FILE_PATH.exec(url.pathname);
		const taskId = match ? decodeURIComponent(match[1]) : null;
		const entry = recorder.start('file', match ? 'download' : 'other', req, res, url, taskId);
		req.resume();
		try {
			if (!match || !taskId)
				return sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
			if (req.method !== 'GET' && req.method !== 'HEAD')
				return sendXmlError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed.');
			const pre = core.faults.take('download', 'pre', taskId);
			if (pre) {
				entry.fault = pre.kind;
				recorder.countFault();
				if (await applyPreFault(pre, req, res, core)) return;
			}

			const n = Number(match[2]);
			const expires = url.searchParams.get('expires') ?? '';
			if (!core.signer.verify(taskId, n, expires, url.searchParams.get('sig') ?? '')) {
				return sendXmlError(
					res,
					403,
					'SignatureDoesNotMatch',
					'The request signature we calculated does not match the signature you provided.',
				);
			}
			const task = core.tasks.get(taskId);
			if (Number(expires) <= Date.now() || (task && Number(expires) <= task.revokedUntil)) {
				return sendXmlError(res, 403, 'AccessDenied', 'Request has expired');
			}
			if (!task || statusAt(task, Date.now()) !== 'COMPLETED' || n >= task.resultCount) {
				return sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
			}

			const post = core.faults.take('download', 'post', taskId);
			if (post) {
				entry.fault = post.kind;
				recorder.countFault();
				if (post.kind === 'expire') {
					task.revokedUntil = Math.max(task.revokedUntil, Number(expires));
					task.resignOnNextGet = true;
					return sendXmlError(res, 403, 'AccessDenied', 'Request has expired');
				}
				if (post.kind === 'notFound')
					return sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
			}

			const size = wavFileSize(task.resultBytes);
			res.writeHead(200, {
				'content-type': 'audio/wav',
				'content-length': size,
				'cache-control': 'private, max-age=0',
			});
			if (req.method === 'HEAD') {
				res.end();
				return;
			}
			const truncateAt = post?.kind === 'truncate' ? Math.floor(size * post.fraction) : Infinity;
			const stream = createWavStream({
				taskId,
				n,
				totalBytes: task.resultBytes,
				stopAfterBytes: truncateAt,
			});
			res.on('close', () => stream.destroy());
			if (truncateAt === Infinity) {
				stream.pipe(res);
			} else {
				// Promise the full Content-Length, send part of it, then close the connection.
				stream.pipe(res, { end: false });
				stream.on('end', () => res.socket?.end());
			}
		} catch {
			if (res.headersSent) res.destroy();
			else sendXmlError(res, 500, 'InternalError', 'We encountered an internal error.');
		}
	};
}

module.exports = { createFileHandler };
