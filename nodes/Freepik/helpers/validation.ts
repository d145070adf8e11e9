import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { FIELDS, type NumberField } from './fields';
import { standsAlone } from './outputs';
import { isToolMode } from './toolMode';
import { unreachableUrlReason } from './privateHosts';

export { unreachableUrlReason } from './privateHosts';

/** How to fix a field, where "fix it" says too little. */
const FIXES: Record<string, string> = {
	[FIELDS.url.label]: 'pass a public https:// link to the audio or video file',
};

/**
 * What is wrong, by the field's label: the message of a validation error. An AI Agent receives only
 * the message, so in tool mode it also says that nothing was sent and how to fix it, e.g.
 * `Invalid "Sound to Isolate": is 2600 characters long; the limit is 2500. Nothing was sent to
 * Freepik; shorten it and call again.` People read that second half in the description.
 */
export function invalidMessage(
	field: string,
	rule: string,
	fix = FIXES[field] ?? 'correct it',
	toolMode = false,
): string {
	const what = `Invalid "${field}": ${rule}`;
	return toolMode ? `${what}. ${nextStep(fix, 'call')}` : what;
}

const nextStep = (fix: string, verb: 'run' | 'call', where = '') =>
	`Nothing was sent to Freepik; ${fix}${where} and ${verb} again.`;

/** Throws a NodeOperationError that names the field and the rule, pointing n8n at the item. */
export function invalid(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	rule: string,
	fix = FIXES[field] ?? 'correct it',
): never {
	const toolMode = isToolMode(ctx);
	const error = new NodeOperationError(ctx.getNode(), invalidMessage(field, rule, fix, toolMode), {
		itemIndex,
		...(toolMode ? {} : { description: nextStep(fix, 'run', ` (item ${itemIndex})`) }),
	});
	throw standsAlone(error);
}

/** A number within the field's limits (a whole one where the field says so). */
export function checkRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: NumberField,
	value: unknown,
	label = field.label,
): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n))
		invalid(ctx, itemIndex, label, `must be a number, got ${JSON.stringify(value)}`);
	if (field.integer && !Number.isInteger(n))
		invalid(ctx, itemIndex, label, `must be a whole number, got ${n}`);
	if (n < field.min || n > field.max)
		invalid(ctx, itemIndex, label, `must be between ${field.min} and ${field.max}, got ${n}`);
	return n;
}

export function checkDescription(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const { label, maxLength } = FIELDS.description;
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) {
		invalid(
			ctx,
			itemIndex,
			label,
			'must not be empty',
			'say which sound to keep, e.g. "A person speaking",',
		);
	}
	// Characters as Freepik counts them (code points), so an emoji counts once.
	const length = [...text].length;
	if (length > maxLength) {
		invalid(
			ctx,
			itemIndex,
			label,
			`is ${length} characters long; the limit is ${maxLength}`,
			`shorten it to at most ${maxLength} characters (name just the sound to keep)`,
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
	// The normalised form: "HTTPS://" becomes "https://" (Freepik's check is case-sensitive), a
	// space %20.
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
			FIELDS.webhookUrl.label,
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
	if (!text) invalid(ctx, itemIndex, FIELDS.base64Data.label, 'must not be empty');
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
			FIELDS.base64Data.label,
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
			FIELDS.taskId.label,
			'must not be empty: use the task_id returned by the Isolate operation',
		);
	if (/[\s/?#]/.test(text))
		invalid(
			ctx,
			itemIndex,
			FIELDS.taskId.label,
			`contains characters a task ID never has: ${JSON.stringify(text.slice(0, 80))}`,
		);
	return text;
}
