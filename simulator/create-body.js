// @ts-check
'use strict';

const { receiveBody } = require('./http-util');
const { LargeString, parseJsonBody, JsonSyntaxError } = require('./json-body');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** @typedef {{ key: string, value: LargeString }} LargeMember */

/**
 * Follows a JSON body byte by byte as it arrives, keeping all of it except the contents of
 * top-level string members longer than `threshold` bytes, which go to a LargeString piece by piece
 * (it hashes a base64 file as it is decoded). Only the structure is tracked here; the kept bytes are
 * parsed by JSON.parse afterwards, so malformed JSON is still refused as JSON.
 */
class BodyScanner {
	/** @param {number} threshold */
	constructor(threshold) {
		this.threshold = threshold;
		/** @type {Buffer[]} */
		this.kept = [];
		this.depth = 0;
		this.topIsObject = false;
		this.expectKey = false;
		/** @type {'key' | 'value' | 'nested' | null} the kind of string being read, if any */
		this.inString = null;
		this.escaped = false;
		/** @type {Buffer[]} */
		this.keyBytes = [];
		this.lastKey = '';
		/** @type {Buffer[]} a top-level value's contents while it is still small */
		this.pending = [];
		this.pendingBytes = 0;
		/** @type {LargeString | null} */
		this.large = null;
		/** @type {LargeMember[]} */
		this.larges = [];
	}

	/** @param {Buffer} chunk */
	write(chunk) {
		for (let i = 0; i < chunk.length; )
			i = this.inString ? this.stringPart(chunk, i) : this.structure(chunk, i);
	}

	/** @returns {{ rest: Buffer, large: LargeMember[] }} */
	finish() {
		if (this.inString === 'value' && !this.large) this.kept.push(...this.pending);
		return { rest: Buffer.concat(this.kept), large: this.larges };
	}

	/** Outside strings, up to and including the opening quote of the next one. @param {Buffer} chunk @param {number} from */
	structure(chunk, from) {
		let i = from;
		for (; i < chunk.length; i++) {
			const c = chunk[i];
			if (c === QUOTE) {
				this.openString();
				i++;
				break;
			}
			if (c === 0x7b || c === 0x5b /* { [ */) {
				if (this.depth === 0) this.topIsObject = this.expectKey = c === 0x7b;
				this.depth++;
			} else if (c === 0x7d || c === 0x5d /* } ] */) this.depth--;
			else if (c === 0x2c /* , */ && this.depth === 1) this.expectKey = this.topIsObject;
		}
		this.kept.push(Buffer.from(chunk.subarray(from, i)));
		return i;
	}

	openString() {
		const top = this.depth === 1 && this.topIsObject;
		this.inString = top ? (this.expectKey ? 'key' : 'value') : 'nested';
		if (this.inString === 'key') this.keyBytes = [];
		this.expectKey = false;
		this.pending = [];
		this.pendingBytes = 0;
	}

	/** Inside a string, up to and including its closing quote. @param {Buffer} chunk @param {number} from */
	stringPart(chunk, from) {
		let quote = chunk.indexOf(QUOTE, from);
		let backslash = chunk.indexOf(BACKSLASH, from);
		let i = from;
		let end = -1;
		while (i < chunk.length) {
			if (this.escaped) {
				this.escaped = false;
				i++;
				continue;
			}
			if (quote !== -1 && quote < i) quote = chunk.indexOf(QUOTE, i);
			if (backslash !== -1 && backslash < i) backslash = chunk.indexOf(BACKSLASH, i);
			if (backslash !== -1 && (quote === -1 || backslash < quote)) {
				this.escaped = true;
				i = backslash + 1;
			} else {
				end = quote;
				break;
			}
		}
		this.content(chunk.subarray(from, end === -1 ? chunk.length : end));
		if (end === -1) return chunk.length;
		this.closeString();
		return end + 1;
	}

	/** @param {Buffer} bytes */
	content(bytes) {
		if (this.large) return this.large.append(bytes.toString('latin1'));
		const copy = Buffer.from(bytes);
		if (this.inString !== 'value') {
			if (this.inString === 'key') this.keyBytes.push(copy);
			this.kept.push(copy);
			return;
		}
		this.pending.push(copy);
		this.pendingBytes += copy.length;
		if (this.pendingBytes <= this.threshold) return;
		this.large = new LargeString();
		this.large.append(Buffer.concat(this.pending).toString('latin1'));
		this.pending = [];
	}

	closeString() {
		if (this.inString === 'key') this.lastKey = keyOf(Buffer.concat(this.keyBytes));
		if (this.large) {
			this.large.end();
			this.larges.push({ key: this.lastKey, value: this.large });
			this.large = null;
		} else this.kept.push(...this.pending);
		this.pending = [];
		this.kept.push(Buffer.from('"'));
		this.inString = null;
	}
}

/** @param {Buffer} bytes a key's contents as sent */
function keyOf(bytes) {
	try {
		return JSON.parse(`"${bytes.toString('utf8')}"`);
	} catch {
		return ''; // the body is refused as JSON once parsed
	}
}

/**
 * Reads a create body without holding its large strings (see BodyScanner).
 * @param {import('http').IncomingMessage} req
 * @param {number} limit maximum number of bytes (larger: HttpError 413)
 * @param {number} threshold top-level string members longer than this many bytes are streamed
 * @returns {Promise<{ bytes: number, rest: Buffer, large: LargeMember[] }>}
 */
async function readCreateBody(req, limit, threshold) {
	const scanner = new BodyScanner(threshold);
	const bytes = await receiveBody(req, limit, (chunk) => scanner.write(chunk));
	return { bytes, ...scanner.finish() };
}

/**
 * The parsed body, its large members put back as LargeString.
 * @param {{ rest: Buffer, large: LargeMember[] }} read
 * @returns {unknown}
 * @throws {JsonSyntaxError}
 */
function parseCreateBody({ rest, large }) {
	const body = parseJsonBody(rest);
	if (large.some((member) => member.value.invalidJson))
		throw new JsonSyntaxError('Bad escaped character in JSON string');
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const members = /** @type {Record<string, unknown>} */ (body);
		for (const { key, value } of large) members[key] = value;
	}
	return body;
}

module.exports = { readCreateBody, parseCreateBody };
