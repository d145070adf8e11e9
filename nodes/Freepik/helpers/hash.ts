import { createHash } from 'crypto';

/**
 * Characters hashed per step. A long text (a file held as base64 in memory mode) is hashed in
 * slices: `update` encodes its whole argument into one buffer first, a copy of the file otherwise.
 */
const SLICE = 64 * 1024;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Hex SHA-256 of a text's UTF-8: how the node keeps a key or a request without keeping it. */
export function sha256(text: string): string {
	const hash = createHash('sha256');
	for (let at = 0; at < text.length; ) {
		let end = Math.min(at + SLICE, text.length);
		// Never split a surrogate pair: each slice must encode as it does within the whole text.
		if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end++;
		hash.update(text.slice(at, end), 'utf8');
		at = end;
	}
	return hash.digest('hex');
}
