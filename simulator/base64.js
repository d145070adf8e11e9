// @ts-check
'use strict';

const crypto = require('crypto');

/** Characters decoded per step; a multiple of 4 so every step decodes independently. */
const STEP = 4 * 64 * 1024;
const BODY = /^[A-Za-z0-9+/]*$/;
const TAIL = /^[A-Za-z0-9+/]*={0,2}$/;
const NOT_BASE64 = 'must be an https URL or base64-encoded file';

/**
 * @typedef {{ valid: true, bytes: number, sha256: string } | { valid: false, reason: string }} Base64Result
 */

/**
 * Checks that text fed in pieces of any size is standard base64 (no whitespace, no data: prefix,
 * padding only at the end) and hashes the decoded bytes as they come: at most one step of text is
 * held, so a 1 GB upload is never decoded or kept whole.
 */
class Base64Hasher {
	constructor() {
		this.hash = crypto.createHash('sha256');
		/** Text not decoded yet: the last characters may hold the padding, so they wait for the end. */
		this.pending = '';
		this.length = 0;
		this.bytes = 0;
		/** @type {string | null} */
		this.invalid = null;
	}

	/** @param {string} text the next characters (latin1) */
	update(text) {
		this.length += text.length;
		if (this.invalid) return;
		this.pending += text;
		if (this.pending.length < STEP + 4) return;
		const cut = Math.floor((this.pending.length - 4) / 4) * 4;
		this.decode(this.pending.slice(0, cut), BODY);
		this.pending = this.pending.slice(cut);
	}

	/** Marks the text as not base64 (e.g. it held a JSON escape other than `\/`). */
	reject() {
		this.invalid = NOT_BASE64;
	}

	/** @returns {Base64Result} */
	result() {
		if (this.length === 0) return { valid: false, reason: 'must not be empty' };
		if (this.length % 4 === 1) return { valid: false, reason: 'is not valid base64 (bad length)' };
		if (!this.invalid) this.decode(this.pending, TAIL);
		if (this.invalid) return { valid: false, reason: this.invalid };
		if (this.pending.endsWith('=') && this.length % 4 !== 0) {
			return { valid: false, reason: 'is not valid base64 (bad padding)' };
		}
		if (this.bytes === 0) return { valid: false, reason: 'decodes to an empty file' };
		return { valid: true, bytes: this.bytes, sha256: this.hash.digest('hex') };
	}

	/** @param {string} text a multiple of 4 characters, or the end @param {RegExp} pattern */
	decode(text, pattern) {
		if (!pattern.test(text)) {
			this.invalid = NOT_BASE64;
			return;
		}
		const decoded = Buffer.from(text, 'base64');
		this.hash.update(decoded);
		this.bytes += decoded.length;
	}
}

/**
 * `buf[start, end)` checked and hashed as base64 (see Base64Hasher).
 * @param {Buffer} buf
 * @param {number} [start]
 * @param {number} [end]
 * @returns {Base64Result}
 */
function inspectBase64(buf, start = 0, end = buf.length) {
	const hasher = new Base64Hasher();
	for (let at = start; at < end; at += STEP)
		hasher.update(buf.toString('latin1', at, Math.min(at + STEP, end)));
	return hasher.result();
}

module.exports = { Base64Hasher, inspectBase64 };
