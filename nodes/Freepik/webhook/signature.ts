import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Freepik webhook signature check (Standard Webhooks style), free of any n8n import.
 *
 * Signed content: `${webhook-id}.${webhook-timestamp}.${raw body}`, HMAC-SHA256, base64.
 * `webhook-signature` is a space-delimited list of `v<N>,<base64>` entries, N naming the version of
 * the secret that made it (https://docs.freepik.com/webhooks). The request is genuine if any entry
 * matches any secret the user holds (the current one and, during a rotation, the previous one).
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
/** `v1`, `v2`, …: the version of the secret an entry was signed with. */
const VERSION = /^v\d{1,4}$/;
/** Standard or URL-safe base64, padding optional (a length of 4n+1 is never base64). */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Why a request was refused. Safe to log: never contains the secret or a signature. */
export type SignatureFailureReason =
	| 'missing-headers'
	| 'bad-timestamp'
	| 'stale'
	| 'future'
	| 'no-match';

export type SignatureResult = { valid: true } | { valid: false; reason: SignatureFailureReason };

export interface SignedRequest {
	webhookId: string | undefined;
	timestamp: string | undefined;
	signatureHeader: string | undefined;
	/** The exact bytes received; never a re-serialised parsed body. */
	rawBody: Buffer | string;
}

export interface VerifyOptions {
	/** The current secret and, during a rotation, the previous one; blank entries are ignored. */
	secrets: readonly string[];
	toleranceSeconds?: number;
	/** Current time in unix seconds (tests); defaults to the clock. */
	nowSeconds?: number;
}

/**
 * The secrets a Freepik API credential holds (Webhook Secret, Previous Webhook Secret), trimmed,
 * blanks dropped. Takes the plain credential object, so this file needs no n8n import.
 */
export function webhookSecrets(credentials: Record<string, unknown>): string[] {
	return [credentials.webhookSecret, credentials.previousWebhookSecret]
		.map((value) => (typeof value === 'string' ? value.trim() : ''))
		.filter((value) => value !== '');
}

function base64Bytes(text: string): Buffer | undefined {
	const unpadded = text.replace(/=+$/, '');
	if (!BASE64.test(text) || unpadded.length % 4 === 1) return undefined;
	const decoded = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	return decoded.length > 0 ? decoded : undefined;
}

/**
 * HMAC keys to try for a secret, as the docs' samples use it (its format is not documented): its
 * UTF-8 bytes (Python, JavaScript, Java samples); its base64-decoded bytes (PHP sample); for a
 * `whsec_` secret the base64-decoded remainder (the Standard Webhooks form).
 */
export function secretKeys(secret: string): Buffer[] {
	const trimmed = secret.trim();
	const encoded = trimmed.startsWith(SECRET_PREFIX) ? trimmed.slice(SECRET_PREFIX.length) : trimmed;
	const keys = [Buffer.from(trimmed, 'utf8'), base64Bytes(encoded)];
	const unique = new Map<string, Buffer>();
	for (const key of keys) if (key) unique.set(key.toString('hex'), key);
	return [...unique.values()];
}

/** base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` with the given key. */
export function computeSignature(
	key: Buffer | string,
	webhookId: string,
	timestamp: string,
	rawBody: Buffer | string,
): string {
	return createHmac('sha256', key)
		.update(`${webhookId}.${timestamp}.`, 'utf8')
		.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
		.digest('base64');
}

/**
 * The signatures of a header, whatever their `v<N>` version (the version names a secret, not a
 * scheme); malformed entries are skipped.
 */
export function parseSignatureHeader(header: string): string[] {
	const signatures: string[] = [];
	for (const entry of header.split(' ')) {
		const comma = entry.indexOf(',');
		if (comma <= 0) continue;
		if (!VERSION.test(entry.slice(0, comma))) continue;
		const signature = entry.slice(comma + 1);
		if (signature.length > 0) signatures.push(signature);
	}
	return signatures;
}

function constantTimeEquals(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	// Lengths are not secret (a SHA-256 base64 digest is always 44 characters).
	return left.length === right.length && timingSafeEqual(left, right);
}

export function verifyWebhookSignature(
	request: SignedRequest,
	options: VerifyOptions,
): SignatureResult {
	const { webhookId, timestamp, signatureHeader, rawBody } = request;
	if (!webhookId || !timestamp || !signatureHeader) {
		return { valid: false, reason: 'missing-headers' };
	}
	if (!/^\d{1,12}$/.test(timestamp)) {
		return { valid: false, reason: 'bad-timestamp' };
	}

	const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
	const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
	const sentAt = Number(timestamp);
	if (now - sentAt > tolerance) return { valid: false, reason: 'stale' };
	if (sentAt - now > tolerance) return { valid: false, reason: 'future' };

	const candidates = parseSignatureHeader(signatureHeader);
	let matched = false;
	const keys = options.secrets.flatMap((secret) => (secret.trim() ? secretKeys(secret) : []));
	for (const key of keys) {
		const expected = computeSignature(key, webhookId, timestamp, rawBody);
		for (const candidate of candidates) {
			// No early exit: every candidate is compared, whatever matched before.
			if (constantTimeEquals(expected, candidate)) matched = true;
		}
	}
	return matched ? { valid: true } : { valid: false, reason: 'no-match' };
}
