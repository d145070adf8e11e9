import { createHmac, randomUUID } from 'crypto';

/** Independent of the code under test: what a Freepik sender would put in the headers. */
export function signPayload(
	key: Buffer | string,
	webhookId: string,
	timestamp: string,
	rawBody: Buffer | string,
): string {
	return createHmac('sha256', key)
		.update(Buffer.concat([Buffer.from(`${webhookId}.${timestamp}.`), Buffer.from(rawBody)]))
		.digest('base64');
}

export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

export interface SignedDelivery {
	headers: Record<string, string>;
	rawBody: Buffer;
	webhookId: string;
}

/** A delivery signed with `key` (UTF-8 secret string, or raw key bytes). */
export function signedDelivery(
	key: Buffer | string,
	payload: unknown,
	overrides: { webhookId?: string; timestamp?: number } = {},
): SignedDelivery {
	const webhookId = overrides.webhookId ?? `msg_${randomUUID()}`;
	const timestamp = String(overrides.timestamp ?? nowSeconds());
	const rawBody = Buffer.from(JSON.stringify(payload));
	return {
		webhookId,
		rawBody,
		headers: {
			'content-type': 'application/json',
			'webhook-id': webhookId,
			'webhook-timestamp': timestamp,
			'webhook-signature': `v1,${signPayload(key, webhookId, timestamp, rawBody)}`,
		},
	};
}
