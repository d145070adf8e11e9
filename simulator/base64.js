// @ts-check
'use strict';

const crypto = require('crypto');

/** Bytes of input examined per step; a multiple of 4 so every step decodes independently. */
const STEP = 4 * 64 * 1024;
const BODY = /^[A-Za-z0-9+/]*$/;
const TAIL = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks that `buf[start, end)` is standard base64 (no whitespace, no data: prefix, padding only at
 * the end) and hashes the decoded bytes step by step, so a 300 MB input is never decoded whole.
 * @param {Buffer} buf
 * @param {number} [start]
 * @param {number} [end]
 * @returns {{ valid: true, bytes: number, sha256: string } | { valid: false, reason: string }}
 */
function inspectBase64(buf, start = 0, end = buf.length) {
	const length = end - start;
	if (length === 0) return { valid: false, reason: 'must not be empty' };
	if (length % 4 === 1) return { valid: false, reason: 'is not valid base64 (bad length)' };
	const hash = crypto.createHash('sha256');
	let bytes = 0;
	for (let at = start; at < end; at += STEP) {
		const stop = Math.min(at + STEP, end);
		const text = buf.toString('latin1', at, stop);
		const last = stop === end;
		if (!(last ? TAIL : BODY).test(text)) {
			return { valid: false, reason: 'must be an https URL or base64-encoded file' };
		}
		if (last && text.endsWith('=') && length % 4 !== 0) {
			return { valid: false, reason: 'is not valid base64 (bad padding)' };
		}
		const decoded = Buffer.from(text, 'base64');
		hash.update(decoded);
		bytes += decoded.length;
	}
	if (bytes === 0) return { valid: false, reason: 'decodes to an empty file' };
	return { valid: true, bytes, sha256: hash.digest('hex') };
}

module.exports = { inspectBase64 };
