import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Freepik webhook signature check (Standard Webhooks style), free of any n8n import.
 *
 * Signed content: `${webhook-id}.${webhook-timestamp}.${raw body}`, HMAC-SHA256, base64.
 * `webhook-signature` is a space-separated list of `v1,<base64>` entries (several during a
 * key rotation): the request is genuine if any entry matches.
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
const SUPPORTED_VERSION = 'v1';

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
	secret: string;
	toleranceSeconds?: number;
	/** Current time in unix seconds (tests); defaults to the clock. */
	nowSeconds?: number;
}

/**
 * HMAC keys to try for a secret: its UTF-8 bytes always; for a `whsec_` secret also the
 * base64-decoded remainder (the docs show both conventions).
 */
export function secretKeys(secret: string): Buffer[] {
	const trimmed = secret.trim();
	const keys = [Buffer.from(trimmed, 'utf8')];
	if (trimmed.startsWith(SECRET_PREFIX)) {
		const decoded = Buffer.from(trimmed.slice(SECRET_PREFIX.length), 'base64');
		if (decoded.length > 0) keys.push(decoded);
	}
	return keys;
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

/** The `v1` signatures of a header; malformed or other-version entries are skipped. */
export function parseSignatureHeader(header: string): string[] {
	const signatures: string[] = [];
	for (const entry of header.split(' ')) {
		const comma = entry.indexOf(',');
		if (comma <= 0) continue;
		if (entry.slice(0, comma) !== SUPPORTED_VERSION) continue;
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
	for (const key of secretKeys(options.secret)) {
		const expected = computeSignature(key, webhookId, timestamp, rawBody);
		for (const candidate of candidates) {
			// No early exit: every candidate is compared, whatever matched before.
			if (constantTimeEquals(expected, candidate)) matched = true;
		}
	}
	return matched ? { valid: true } : { valid: false, reason: 'no-match' };
}
