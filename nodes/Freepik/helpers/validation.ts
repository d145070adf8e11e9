import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MAX_DESCRIPTION_LENGTH } from './limits';
import { standsAlone } from './outputs';
import { isToolMode } from './toolMode';
import { unreachableUrlReason } from './privateHosts';

export { LIMITS, MAX_DESCRIPTION_LENGTH } from './limits';
export { unreachableUrlReason } from './privateHosts';

/** Freepik's name for the fields whose n8n label differs (fields of n8n's own have none). */
const API_NAMES: Record<string, string> = {
	'Sound to Isolate': 'description',
	'File URL': 'audio or video',
	'Base64 Data': 'audio or video',
	'Input Binary Field': 'audio or video',
	'Bounding Box': 'x1, y1, x2, y2',
	'Bounding Box X1': 'x1',
	'Bounding Box Y1': 'y1',
	'Bounding Box X2': 'x2',
	'Bounding Box Y2': 'y2',
	'Frame Sample Rate (FPS)': 'sample_fps',
	'Reranking Candidates': 'reranking_candidates',
	'Predict Spans': 'predict_spans',
	'Webhook URL': 'webhook_url',
	'Task ID': 'task_id',
};

/** How to fix a field, where "fix it" says too little. */
const FIXES: Record<string, string> = {
	'File URL': 'pass a public https:// link to the audio or video file',
};

/**
 * The whole error in one line, because an AI Agent receives only the message: the field by label
 * and Freepik name, the rule, that nothing was sent, and the fix. E.g.
 * `Invalid "Sound to Isolate" (description): is 2600 characters long;
 * the limit is 2500. Nothing was
 * sent to Freepik; shorten it and call again.`
 */
export function invalidMessage(
	field: string,
	rule: string,
	fix = FIXES[field] ?? 'correct it',
	toolMode = false,
): string {
	const apiName = API_NAMES[field];
	const label = apiName ? `"${field}" (${apiName})` : `"${field}"`;
	return (
		`Invalid ${label}: ${rule}. Nothing was sent to Freepik; ${fix} and ` +
		`${toolMode ? 'call' : 'run'} again.`
	);
}

/**
 * Throws a NodeOperationError naming the field and the rule; `itemIndex`
 * lets n8n point at the item.
 */
export function invalid(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	rule: string,
	fix?: string,
): never {
	const error = new NodeOperationError(
		ctx.getNode(),
		invalidMessage(field, rule, fix, isToolMode(ctx)),
		{
			itemIndex,
			description:
				`Fix the "${field}" field of item ${itemIndex} and run again. Nothing was sent to ` +
				'Freepik.',
		},
	);
	throw standsAlone(error);
}

export function checkRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
	limits: { min: number; max: number },
	integer = false,
): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n))
		invalid(ctx, itemIndex, field, `must be a number, got ${JSON.stringify(value)}`);
	if (integer && !Number.isInteger(n))
		invalid(ctx, itemIndex, field, `must be a whole number, got ${n}`);
	if (n < limits.min || n > limits.max) {
		invalid(ctx, itemIndex, field, `must be between ${limits.min} and ${limits.max}, got ${n}`);
	}
	return n;
}

/**
 * The label users see for the `description` parameter (the name
 * "description" would be ambiguous in n8n).
 */
export const DESCRIPTION_FIELD = 'Sound to Isolate';

export function checkDescription(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) {
		invalid(
			ctx,
			itemIndex,
			DESCRIPTION_FIELD,
			'must not be empty',
			'say which sound to keep, e.g. "A person speaking",',
		);
	}
	// Characters as Freepik counts them (code points), so an emoji counts once.
	const length = [...text].length;
	if (length > MAX_DESCRIPTION_LENGTH) {
		invalid(
			ctx,
			itemIndex,
			DESCRIPTION_FIELD,
			`is ${length} characters long; the limit is ${MAX_DESCRIPTION_LENGTH}`,
			`shorten it to at most ${MAX_DESCRIPTION_LENGTH} characters (name just the sound to keep)`,
		);
	}
	return text;
}

export function checkHttpsUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) invalid(ctx, itemIndex, field, 'must not be empty');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		invalid(ctx, itemIndex, field, `is not a valid URL: ${JSON.stringify(text.slice(0, 100))}`);
	}
	if (url.protocol !== 'https:')
		invalid(
			ctx,
			itemIndex,
			field,
			`must be a public https:// URL (Freepik downloads it), got ${url.protocol}//`,
		);
	const problem = unreachableUrlReason(url);
	if (problem) {
		invalid(
			ctx,
			itemIndex,
			field,
			`${problem}: Freepik must be able to fetch the file from the internet, so use a public ` +
				'https:// URL',
		);
	}
	// The normalised form: "HTTPS://" becomes "https://" (Freepik's
	// check is case-sensitive), a space %20.
	return url.href;
}

export function checkWebhookUrl(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : '';
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		invalid(
			ctx,
			itemIndex,
			'Webhook URL',
			'must be an http(s) URL, e.g. the production URL of a Freepik Trigger node',
		);
	}
	return text;
}

const BASE64_BODY = /^[A-Za-z0-9+/_-]+$/;

/**
 * Accepts plain base64 or a data: URI, standard or URL-safe alphabet, with or without padding.
 * Returns standard, padded base64 (the only form Freepik accepts) and the data URI's MIME type.
 */
export function checkBase64(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): { base64: string; mimeType?: string } {
	let text = typeof value === 'string' ? value.trim() : '';
	let mimeType: string | undefined;
	const dataUri = text.match(/^data:([^;,]+)?(?:;[^,]*)?;base64,/i);
	if (dataUri) {
		mimeType = dataUri[1]?.toLowerCase();
		text = text.slice(dataUri[0].length);
	}
	text = text.replace(/\s+/g, '');
	if (!text) invalid(ctx, itemIndex, 'Base64 Data', 'must not be empty');
	const unpadded = text.replace(/=+$/, '');
	const padding = text.length - unpadded.length;
	if (
		!BASE64_BODY.test(unpadded) ||
		unpadded.length % 4 === 1 ||
		padding > 2 ||
		(padding > 0 && text.length % 4 !== 0)
	) {
		invalid(
			ctx,
			itemIndex,
			'Base64 Data',
			'is not valid base64 (expected the file encoded as base64, optionally as a data: URI)',
		);
	}
	const standard = unpadded.replace(/-/g, '+').replace(/_/g, '/');
	return { base64: standard + '='.repeat((4 - (standard.length % 4)) % 4), mimeType };
}

export function checkTaskId(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : String(value ?? '').trim();
	if (!text)
		invalid(
			ctx,
			itemIndex,
			'Task ID',
			'must not be empty: use the task_id returned by the Isolate operation',
		);
	if (/[\s/?#]/.test(text))
		invalid(
			ctx,
			itemIndex,
			'Task ID',
			`contains characters a task ID never has: ${JSON.stringify(text.slice(0, 80))}`,
		);
	return text;
}
