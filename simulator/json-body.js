// @ts-check
'use strict';

/**
 * JSON parsing for create bodies that may carry a 300 MB base64 string.
 *
 * Small bodies go through JSON.parse. For large ones the top-level object is scanned in the Buffer,
 * and every string member longer than `threshold` bytes becomes a LargeString that points into the
 * buffer instead of a JS string: no 300 MB string is ever created on the V8 heap.
 */

class LargeString {
	/**
	 * @param {Buffer} buf
	 * @param {number} start first byte of the string contents (after the opening quote)
	 * @param {number} end index of the closing quote
	 */
	constructor(buf, start, end) {
		this.buf = buf;
		this.start = start;
		this.end = end;
	}

	/** Length in bytes (equals characters for the ASCII content expected here). */
	get length() {
		return this.end - this.start;
	}

	/** @param {string} prefix */
	startsWith(prefix) {
		return (
			this.buf.toString('utf8', this.start, Math.min(this.end, this.start + prefix.length)) ===
			prefix
		);
	}

	/** @param {string} needle */
	includes(needle) {
		const at = this.buf.indexOf(needle, this.start, 'utf8');
		return at >= 0 && at + Buffer.byteLength(needle) <= this.end;
	}
}

/** @param {unknown} value */
function isLargeString(value) {
	return value instanceof LargeString;
}

class JsonSyntaxError extends Error {}

/**
 * @param {Buffer} buf
 * @param {number} threshold
 * @returns {unknown} the parsed value (only top-level string members can be LargeString)
 */
function parseJsonBody(buf, threshold) {
	if (buf.length <= threshold) return parseSlice(buf, 0, buf.length);
	return scanObject(buf, threshold);
}

/** @param {Buffer} buf @param {number} start @param {number} end */
function parseSlice(buf, start, end) {
	try {
		return JSON.parse(buf.toString('utf8', start, end));
	} catch (err) {
		throw new JsonSyntaxError(err.message);
	}
}

/** @param {Buffer} buf @param {number} threshold */
function scanObject(buf, threshold) {
	/** @type {Record<string, unknown>} */
	const out = {};
	let i = skipSpace(buf, 0);
	expect(buf, i, 0x7b /* { */);
	i = skipSpace(buf, i + 1);
	if (buf[i] === 0x7d /* } */) return finish(buf, i, out);
	for (;;) {
		expect(buf, i, 0x22 /* " */);
		const keyEnd = stringEnd(buf, i);
		const key = /** @type {string} */ (parseSlice(buf, i, keyEnd));
		i = skipSpace(buf, keyEnd);
		expect(buf, i, 0x3a /* : */);
		i = skipSpace(buf, i + 1);
		const valueEnd = buf[i] === 0x22 ? stringEnd(buf, i) : compositeEnd(buf, i);
		const isBig = buf[i] === 0x22 && valueEnd - i - 2 > threshold;
		// A big string with escapes (e.g. "\/") is rare; decode it normally to stay correct.
		const backslash = isBig ? buf.indexOf(0x5c /* \ */, i + 1) : -1;
		const hasEscape = backslash !== -1 && backslash < valueEnd;
		out[key] =
			isBig && !hasEscape
				? new LargeString(buf, i + 1, valueEnd - 1)
				: parseSlice(buf, i, valueEnd);
		i = skipSpace(buf, valueEnd);
		if (buf[i] === 0x2c /* , */) {
			i = skipSpace(buf, i + 1);
			continue;
		}
		expect(buf, i, 0x7d);
		return finish(buf, i, out);
	}
}

/** @param {Buffer} buf @param {number} closeBrace @param {Record<string, unknown>} out */
function finish(buf, closeBrace, out) {
	if (skipSpace(buf, closeBrace + 1) !== buf.length)
		throw new JsonSyntaxError('Unexpected data after JSON object');
	return out;
}

/** @param {Buffer} buf @param {number} i @param {number} byte */
function expect(buf, i, byte) {
	if (buf[i] !== byte) {
		throw new JsonSyntaxError(`Expected '${String.fromCharCode(byte)}' at position ${i}`);
	}
}

/** @param {Buffer} buf @param {number} i */
function skipSpace(buf, i) {
	while (
		i < buf.length &&
		(buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)
	)
		i++;
	return i;
}

/** @param {Buffer} buf @param {number} i @returns {number} index just after the closing quote of the string opening at `i` */
function stringEnd(buf, i) {
	let from = i + 1;
	for (;;) {
		const quote = buf.indexOf(0x22, from);
		if (quote === -1) throw new JsonSyntaxError('Unterminated string');
		let backslashes = 0;
		for (let k = quote - 1; k > i && buf[k] === 0x5c; k--) backslashes++;
		if (backslashes % 2 === 0) return quote + 1;
		from = quote + 1;
	}
}

/** @param {Buffer} buf @param {number} i @returns {number} index just after a number/literal/array/object starting at `i` */
function compositeEnd(buf, i) {
	let depth = 0;
	while (i < buf.length) {
		const c = buf[i];
		if (c === 0x22) {
			i = stringEnd(buf, i);
			continue;
		}
		if (c === 0x7b || c === 0x5b) depth++;
		else if (c === 0x7d || c === 0x5d) {
			if (depth === 0) return i;
			depth--;
			if (depth === 0) return i + 1;
		} else if (c === 0x2c && depth === 0) return i;
		i++;
	}
	throw new JsonSyntaxError('Unexpected end of JSON input');
}

module.exports = { parseJsonBody, isLargeString, LargeString, JsonSyntaxError };
