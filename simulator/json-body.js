// @ts-check
'use strict';

const { Base64Hasher } = require('./base64');

/**
 * The parts of a create body, which may carry a 1 GB base64 string.
 *
 * create-body.js reads the body as it arrives and hands every top-level string member longer than
 * a threshold to a LargeString piece by piece, keeping only the rest of the body, which is then
 * parsed here with JSON.parse: no copy of the file is ever held, as a string or as a Buffer.
 */

/** Characters kept from a large string's start (enough for the prefixes the validator checks). */
const HEAD = 64;
const ESCAPE = /\\(?:u[0-9a-fA-F]{4}|["\\/bfnrt])|\\/g;

class LargeString {
	constructor() {
		/** Characters after JSON unescaping (bytes, for the ASCII content expected here). */
		this.length = 0;
		this.head = '';
		this.hasScheme = false;
		/** An escape split between two pieces waits for the next one. */
		this.carry = '';
		this.lastTwo = '';
		/** Set when the string holds an escape JSON does not allow: the body is not valid JSON. */
		this.invalidJson = false;
		this.base64 = new Base64Hasher();
	}

	/**
	 * @param {string} raw the string's next characters as sent (latin1), JSON escapes included
	 * @param {boolean} [last] the string ends here: nothing is held for the next piece
	 */
	append(raw, last = false) {
		let text = this.carry + raw;
		this.carry = '';
		if (text.includes('\\')) text = this.unescape(last ? text : this.holdSplitEscape(text));
		this.length += text.length;
		if (this.head.length < HEAD) this.head += text.slice(0, HEAD - this.head.length);
		// Small joins only: `lastTwo + text` would copy every piece of a 1 GB string once more.
		const seam = this.lastTwo + text.slice(0, 2);
		if (!this.hasScheme) this.hasScheme = seam.includes('://') || text.includes('://');
		this.lastTwo = text.length >= 2 ? text.slice(-2) : seam.slice(-2);
		this.base64.update(text);
	}

	/** Called at the closing quote. */
	end() {
		if (this.carry) this.append('', true);
	}

	/** @param {string} prefix at most 64 characters */
	startsWith(prefix) {
		return this.head.startsWith(prefix);
	}

	/** @param {string} needle only '://' is tracked (all the validator asks) */
	includes(needle) {
		if (needle !== '://') throw new Error(`LargeString tracks only '://', not ${needle}`);
		return this.hasScheme;
	}

	/** @param {string} text */
	holdSplitEscape(text) {
		const cut = text.lastIndexOf('\\');
		if (cut < text.length - 6) return text;
		let run = 0;
		while (cut - run >= 0 && text[cut - run] === '\\') run++;
		if (run % 2 === 0) return text;
		this.carry = text.slice(cut);
		return text.slice(0, cut);
	}

	/** `\/` is what some encoders make of `/`; any other escape cannot be base64. @param {string} text */
	unescape(text) {
		return text.replace(ESCAPE, (escape) => {
			if (escape === '\\/') return '/';
			this.base64.reject();
			if (escape === '\\') this.invalidJson = true;
			return escape === '\\' ? '' : JSON.parse(`"${escape}"`);
		});
	}
}

/** @param {unknown} value */
function isLargeString(value) {
	return value instanceof LargeString;
}

class JsonSyntaxError extends Error {}

/**
 * @param {Buffer} buf the body without its large strings
 * @returns {unknown}
 */
function parseJsonBody(buf) {
	try {
		return JSON.parse(buf.toString('utf8'));
	} catch (err) {
		throw new JsonSyntaxError(/** @type {Error} */ (err).message);
	}
}

module.exports = { parseJsonBody, isLargeString, LargeString, JsonSyntaxError };
