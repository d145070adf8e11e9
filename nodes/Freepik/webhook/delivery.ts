import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { verifyWebhookSignature, webhookSecrets, type SignatureResult } from './signature';

/** The parts of n8n's request object a webhook reads. */
export interface RawRequest {
	headers: Record<string, string | string[] | undefined>;
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
}

/** One received webhook request, read once. */
export interface Delivery {
	req: RawRequest;
	rawBody: Buffer;
	webhookId?: string;
	nodeName: string;
}

/** A request header (Node.js joins repeated ones into one string, except set-cookie). */
export function header(req: RawRequest, name: string): string | undefined {
	const value = req.headers[name];
	return typeof value === 'string' ? value : undefined;
}

/**
 * The exact received bytes. Node version 1 gets `rawBody` from n8n; when it is absent
 * (later n8n versions fill it only for some content types) n8n reads it on demand.
 */
async function readRawBody(req: RawRequest): Promise<Buffer> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') {
		await req.readRawBody();
	}
	const raw = req.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	return Buffer.alloc(0);
}

export async function readDelivery(ctx: IWebhookFunctions): Promise<Delivery> {
	const req = ctx.getRequestObject() as unknown as RawRequest;
	return {
		req,
		rawBody: await readRawBody(req),
		webhookId: header(req, 'webhook-id'),
		nodeName: ctx.getNode().name,
	};
}

/** Webhook Secret and Previous Webhook Secret (during a rotation), the blank ones left out. */
export async function readWebhookSecrets(
	ctx: Pick<IWebhookFunctions, 'getCredentials'>,
): Promise<string[]> {
	return webhookSecrets(await ctx.getCredentials('freepikApi'));
}

/** The delivery's Standard Webhooks signature checked against `secrets`. */
export function checkSignature(
	delivery: Delivery,
	secrets: string[],
	toleranceSeconds: number,
): SignatureResult {
	return verifyWebhookSignature(
		{
			webhookId: delivery.webhookId,
			timestamp: header(delivery.req, 'webhook-timestamp'),
			signatureHeader: header(delivery.req, 'webhook-signature'),
			rawBody: delivery.rawBody,
		},
		{ secrets, toleranceSeconds },
	);
}

/**
 * Answers the request here (unless an answer was already sent): the trigger starts no run, a
 * waiting execution keeps waiting unless workflowData comes with it.
 */
export function answer(
	ctx: IWebhookFunctions,
	status: number,
	message: string,
): IWebhookResponseData {
	const res = ctx.getResponseObject();
	if (!res.headersSent) res.status(status).json({ message });
	return { noWebhookResponse: true };
}
