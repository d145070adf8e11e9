/**
 * The Freepik Trigger (and the check Resume on Webhook shares with it) accepts the docs' signed
 * webhook sample (fixtures/webhook.json) in every documented form, and refuses a forgery.
 */
import { verifyWebhookSignature } from '../../nodes/Freepik/webhook/signature';
import { clearSeenWebhookIds } from '../../nodes/Freepik/trigger/seenWebhookIds';
import { runTriggerWebhook } from '../nodes/Freepik/trigger/webhookHarness';
import { fixtures } from './fixtures';

const { webhookId, timestamp, body, secrets, samples, base64Secret } = fixtures.webhook;
const rawBody = Buffer.from(body, 'utf8');
const SENT_AT_MS = Number(timestamp) * 1000;

/** The sample as delivered, with `signature` in `webhook-signature`. */
const headers = (signature: string) => ({
	'content-type': 'application/json',
	'webhook-id': webhookId,
	'webhook-timestamp': timestamp,
	'webhook-signature': signature,
});

const cases: Array<[string, string, Record<string, string>]> = [
	['a v1 signature, UTF-8 secret', samples.utf8, { webhookSecret: secrets.current }],
	[
		'v1 (old) and v2 (current) during a rotation',
		samples.rotation,
		{ webhookSecret: secrets.current },
	],
	[
		'a rotation, only the previous secret matching',
		samples.rotation,
		{ webhookSecret: 'a secret Freepik does not use yet', previousWebhookSecret: secrets.previous },
	],
	['a whsec_ secret, decoded', samples.whsecDecoded, { webhookSecret: secrets.whsec }],
	[
		'a base64 secret, decoded (the PHP sample)',
		samples.base64Decoded,
		{ webhookSecret: base64Secret },
	],
];

beforeEach(() => clearSeenWebhookIds());
// The sample was signed at a fixed time: the trigger's replay check reads the clock as then.
beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(SENT_AT_MS + 5_000));
afterEach(() => jest.restoreAllMocks());

it.each(cases)('the Trigger accepts the sample with %s', async (_label, signature, secret) => {
	const { result } = await runTriggerWebhook({
		credentials: { apiKey: 'k', ...secret },
		headers: headers(signature),
		rawBody,
		parameters: { downloadResult: false },
	});
	const payload = JSON.parse(body);
	expect(result.workflowData![0][0].json).toMatchObject({ ...payload, webhookId });
});

it.each(cases)('the shared check accepts the sample with %s', (_label, signature, secret) => {
	const check = verifyWebhookSignature(
		{ webhookId, timestamp, signatureHeader: signature, rawBody },
		{ secrets: Object.values(secret), nowSeconds: Number(timestamp) },
	);
	expect(check).toEqual({ valid: true });
});

it('the Trigger refuses a forged sample with 401 and starts nothing', async () => {
	const { result, response } = await runTriggerWebhook({
		credentials: { apiKey: 'k', webhookSecret: secrets.current },
		headers: headers(samples.forged),
		rawBody,
		parameters: { downloadResult: false },
	});
	expect(response.statusCode).toBe(401);
	expect(result.workflowData).toBeUndefined();
});
