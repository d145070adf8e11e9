// @ts-check
'use strict';

const { inspectBase64 } = require('./base64');
const { isLargeString } = require('./json-body');

/** Fields the create endpoint knows; anything else is rejected. */
const KNOWN_FIELDS = new Set([
	'description',
	'audio',
	'video',
	'x1',
	'y1',
	'x2',
	'y2',
	'sample_fps',
	'reranking_candidates',
	'predict_spans',
	'webhook_url',
]);
const BOX_FIELDS = ['x1', 'y1', 'x2', 'y2'];
const MAX_DESCRIPTION = 2500;

/**
 * @typedef {{ name: string, reason: string }} InvalidParam
 * @typedef {{ field: 'audio' | 'video', kind: 'url', length: number, url: string }
 *   | { field: 'audio' | 'video', kind: 'base64', length: number, bytes: number, sha256: string }} MediaInput
 */

/** @param {unknown} v */
const isText = (v) => typeof v === 'string' || isLargeString(v);
/** @param {unknown} v */
const isPresent = (v) => v !== undefined;

/**
 * Validates a create body as the API reference describes it.
 * @param {unknown} body parsed JSON (top-level strings may be LargeString)
 * @returns {{ errors: InvalidParam[], input: MediaInput | null }}
 */
function validateCreateBody(body) {
	/** @type {InvalidParam[]} */
	const errors = [];
	const fail = (/** @type {string} */ name, /** @type {string} */ reason) =>
		errors.push({ name, reason });
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		fail('body', 'must be a JSON object');
		return { errors, input: null };
	}
	const b = /** @type {Record<string, unknown>} */ (body);

	for (const name of Object.keys(b)) if (!KNOWN_FIELDS.has(name)) fail(name, 'unknown field');

	if (!isPresent(b.description)) fail('description', 'is required');
	else if (typeof b.description !== 'string')
		fail(
			'description',
			isLargeString(b.description)
				? `must be at most ${MAX_DESCRIPTION} characters`
				: 'must be a string',
		);
	else if (b.description.trim() === '') fail('description', 'must not be empty');
	else if ([...b.description].length > MAX_DESCRIPTION)
		fail('description', `must be at most ${MAX_DESCRIPTION} characters`);

	const hasAudio = isPresent(b.audio);
	const hasVideo = isPresent(b.video);
	/** @type {MediaInput | null} */
	let input = null;
	if (hasAudio && hasVideo) fail('video', 'audio and video are mutually exclusive');
	else if (!hasAudio && !hasVideo) fail('audio', 'one of audio or video is required');
	else {
		const field = hasAudio ? 'audio' : 'video';
		const result = inspectMedia(b[field]);
		if ('reason' in result) fail(field, result.reason);
		else input = { field, ...result };
	}

	for (const name of BOX_FIELDS) {
		if (!isPresent(b[name])) continue;
		if (!hasVideo) fail(name, 'is only allowed with video');
		else if (!Number.isInteger(b[name]) || /** @type {number} */ (b[name]) < 0)
			fail(name, 'must be an integer >= 0');
	}
	if (isPresent(b.sample_fps)) {
		const v = b.sample_fps;
		if (!hasVideo) fail('sample_fps', 'is only allowed with video');
		// The parameter table says integer (the field's own heading says number).
		else if (!Number.isInteger(v) || /** @type {number} */ (v) < 1 || /** @type {number} */ (v) > 5)
			fail('sample_fps', 'must be an integer between 1 and 5');
	}
	if (isPresent(b.reranking_candidates)) {
		const v = b.reranking_candidates;
		if (!Number.isInteger(v) || /** @type {number} */ (v) < 1 || /** @type {number} */ (v) > 8) {
			fail('reranking_candidates', 'must be an integer between 1 and 8');
		}
	}
	if (isPresent(b.predict_spans) && typeof b.predict_spans !== 'boolean')
		fail('predict_spans', 'must be a boolean');
	if (isPresent(b.webhook_url) && !isHttpUrl(b.webhook_url))
		fail('webhook_url', 'must be a valid URI');

	return { errors, input: errors.length ? null : input };
}

/**
 * @param {unknown} value
 * @returns {{ reason: string } | { kind: 'url', length: number, url: string } | { kind: 'base64', length: number, bytes: number, sha256: string }}
 */
function inspectMedia(value) {
	if (!isText(value)) return { reason: 'must be a string (https URL or base64)' };
	const text = /** @type {string | import('./json-body').LargeString} */ (value);
	if (text.length === 0) return { reason: 'must not be empty' };
	if (text.includes('://')) {
		if (typeof text !== 'string' || !text.startsWith('https://'))
			return { reason: 'must be an https URL or base64-encoded file' };
		return isHttpUrl(text, ['https:'])
			? { kind: 'url', length: text.length, url: text }
			: { reason: 'is not a valid URL' };
	}
	const result =
		typeof text === 'string' ? inspectBase64(Buffer.from(text, 'utf8')) : text.base64.result();
	if (!result.valid) return { reason: result.reason };
	return { kind: 'base64', length: text.length, bytes: result.bytes, sha256: result.sha256 };
}

/** @param {unknown} value @param {string[]} [protocols] */
function isHttpUrl(value, protocols = ['http:', 'https:']) {
	if (typeof value !== 'string') return false;
	try {
		const url = new URL(value);
		return protocols.includes(url.protocol) && url.hostname !== '';
	} catch {
		return false;
	}
}

module.exports = { validateCreateBody };
