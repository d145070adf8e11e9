import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MAX_DESCRIPTION_LENGTH } from './limits';
import { standsAlone } from './outputs';
import { isToolMode } from './toolMode';

export { LIMITS, MAX_DESCRIPTION_LENGTH } from './limits';

/** How to fix a field, where "fix it" says too little. */
const FIXES: Record<string, string> = {
	'File URL': 'pass a public https:// link to the audio or video file',
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

/**
 * Throws a NodeOperationError naming the field and the rule; `itemIndex`
 * lets n8n point at the item.
 */
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

/**
 * Why Freepik could not (or must not be asked to) fetch this URL: credentials in it, or a host that
 * is not on the public internet. Null when the URL looks public. Literal addresses only: names are
 * not resolved (that would be a lookup the user did not ask for), except localhost.
 */
export function unreachableUrlReason(url: URL): string | null {
	if (url.username !== '' || url.password !== '')
		return 'must not contain a user name or password (user:password@)';
	const host = url.hostname.toLowerCase().replace(/\.$/, '');
	if (host === 'localhost' || host.endsWith('.localhost'))
		return `points to this machine (${host})`;
	const ipv4 = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
	if (ipv4) return ipv4Reason(ipv4.slice(1).map(Number), host);
	if (host.startsWith('[') && host.endsWith(']')) return ipv6Reason(host.slice(1, -1), host);
	return null;
}

function ipv4Reason([a, b]: number[], host: string): string | null {
	if (a === 127) return `points to this machine (loopback address ${host})`;
	if (a === 0) return `is not a reachable address (${host})`;
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) {
		return `points to a private network address (${host})`;
	}
	if (a === 169 && b === 254) return `points to a link-local address (${host})`;
	return null;
}

/**
 * `groups`: the eight 16-bit groups of an IPv6 address as the
 * URL parser writes it (compressed, hex).
 */
function ipv6Groups(text: string): number[] | null {
	const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
	const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
	const left = parse(head);
	if (tail === undefined) return left.length === 8 ? left : null;
	const right = parse(tail);
	return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv6Reason(text: string, host: string): string | null {
	const g = ipv6Groups(text);
	if (!g || g.some((n) => !Number.isFinite(n))) return `is not a valid address (${host})`;
	const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
	if (zeroUpTo(7) && g[7] === 1) return `points to this machine (loopback address ${host})`;
	if (zeroUpTo(8)) return `is not a reachable address (${host})`;
	// IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses: judge the IPv4 inside.
	if (zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) {
		const v4 = [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255];
		return ipv4Reason(v4, host);
	}
	if ((g[0] & 0xfe00) === 0xfc00) return `points to a private network address (${host})`;
	if ((g[0] & 0xffc0) === 0xfe80) return `points to a link-local address (${host})`;
	return null;
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
