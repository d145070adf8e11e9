import { randomBytes } from 'crypto';

import { FreepikTrigger } from '../../../nodes/Freepik/FreepikTrigger.node';
import { clearSeenWebhookIds } from '../../../nodes/Freepik/trigger/seenWebhookIds';
import { nowSeconds, signedDelivery, signPayload } from './webhook/signing';
import { startWavServer, tinyWav, type WavServer } from './trigger/wavServer';
import { runTriggerWebhook, type RunOptions } from './trigger/webhookHarness';

const SECRET = 'whsec_' + Buffer.from('freepik trigger test secret').toString('base64');
const CREDENTIALS = {
	apiKey: 'SECRET-API-KEY',
	baseUrl: 'https://api.freepik.com',
	webhookSecret: SECRET,
};

const completed = (generated: string[] = ['https://files.example/out.wav']) => ({
	task_id: 'task-123',
	status: 'COMPLETED',
	generated,
});

async function deliver(
	payload: unknown,
	extra: Partial<RunOptions> & { webhookId?: string; timestamp?: number } = {},
) {
	const { webhookId, timestamp, ...options } = extra;
	const delivery = signedDelivery(SECRET, payload, { webhookId, timestamp });
	const run = await runTriggerWebhook({
		credentials: CREDENTIALS,
		headers: delivery.headers,
		rawBody: delivery.rawBody,
		...options,
	});
	return { ...run, delivery };
}

function allLogText(logs: Array<{ message: string; meta?: unknown }>): string {
	return logs.map((entry) => `${entry.message} ${JSON.stringify(entry.meta ?? null)}`).join('\n');
}

beforeEach(() => clearSeenWebhookIds());

describe('FreepikTrigger description', () => {
	const { description } = new FreepikTrigger();

	it('is a POST webhook trigger answering on receipt', () => {
		expect(description.name).toBe('freepikTrigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.webhooks).toEqual([
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: 'freepik',
			},
		]);
		expect(description.credentials).toEqual([{ name: 'freepikApi', required: true }]);
	});
});

describe('FreepikTrigger.webhook() in a real n8n-core WebhookContext', () => {
	it('starts a run with the task for a valid signed event', async () => {
		const { result, response, delivery } = await deliver(completed());

		expect(result.noWebhookResponse).toBeUndefined();
		expect(response.statusCode).toBeUndefined(); // n8n answers (onReceived)
		expect(result.workflowData).toHaveLength(1);
		const [[item]] = result.workflowData!;
		expect(item.json).toEqual({
			task_id: 'task-123',
			status: 'COMPLETED',
			generated: ['https://files.example/out.wav'],
			webhookId: delivery.webhookId,
			receivedAt: expect.any(String),
		});
		expect(new Date(item.json.receivedAt as string).toISOString()).toBe(item.json.receivedAt);
		expect(item.binary).toBeUndefined();
	});

	it('verifies the received bytes, not a re-serialised body', async () => {
		const webhookId = 'msg_pretty';
		const timestamp = String(nowSeconds());
		const rawBody = Buffer.from(JSON.stringify(completed(), null, 3) + '\n');
		const signature = signPayload(SECRET, webhookId, timestamp, rawBody);
		const { result } = await runTriggerWebhook({
			credentials: CREDENTIALS,
			headers: {
				'webhook-id': webhookId,
				'webhook-timestamp': timestamp,
				'webhook-signature': `v1,${signature}`,
			},
			rawBody,
		});
		expect(result.workflowData?.[0][0].json.task_id).toBe('task-123');
	});

	it('reads the body with readRawBody() when n8n did not pre-fill rawBody', async () => {
		const { result, readRawBodyCalls } = await deliver(completed(), { prefillRawBody: false });
		expect(readRawBodyCalls).toBe(1);
		expect(result.workflowData).toBeDefined();
	});

	describe('refusals: 401, no run', () => {
		it('refuses a forged signature and logs the reason without secrets', async () => {
			const delivery = signedDelivery('not-the-secret', completed());
			const { result, response, logs } = await runTriggerWebhook({
				credentials: CREDENTIALS,
				headers: delivery.headers,
				rawBody: delivery.rawBody,
			});

			expect(result).toEqual({ noWebhookResponse: true });
			expect(result.workflowData).toBeUndefined();
			expect(response.statusCode).toBe(401);
			expect(response.body).toEqual({ message: 'Invalid webhook signature' });
			const text = allLogText(logs);
			expect(text).toContain('no-match');
			expect(text).not.toContain(SECRET);
			expect(text).not.toContain(delivery.headers['webhook-signature'].slice(3));
		});

		it('refuses a stale timestamp', async () => {
			const { result, response, logs } = await deliver(completed(), {
				timestamp: nowSeconds() - 301,
			});
			expect(result.workflowData).toBeUndefined();
			expect(response.statusCode).toBe(401);
			expect(allLogText(logs)).toContain('stale');
		});

		it('refuses a timestamp in the future', async () => {
			const { result, response } = await deliver(completed(), { timestamp: nowSeconds() + 600 });
			expect(result.workflowData).toBeUndefined();
			expect(response.statusCode).toBe(401);
		});

		it('applies the toleranceSeconds option', async () => {
			const { response } = await deliver(completed(), {
				timestamp: nowSeconds() - 60,
				parameters: { options: { toleranceSeconds: 30 } },
			});
			expect(response.statusCode).toBe(401);
		});

		it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
			'refuses a request without %s',
			async (name) => {
				const delivery = signedDelivery(SECRET, completed());
				delete delivery.headers[name];
				const { result, response, logs } = await runTriggerWebhook({
					credentials: CREDENTIALS,
					headers: delivery.headers,
					rawBody: delivery.rawBody,
				});
				expect(result.workflowData).toBeUndefined();
				expect(response.statusCode).toBe(401);
				expect(allLogText(logs)).toContain('missing-headers');
			},
		);

		it('refuses a body changed after signing', async () => {
			const delivery = signedDelivery(SECRET, completed());
			const tampered = Buffer.from(delivery.rawBody.toString().replace('task-123', 'task-124'));
			const { result, response } = await runTriggerWebhook({
				credentials: CREDENTIALS,
				headers: delivery.headers,
				rawBody: tampered,
			});
			expect(result.workflowData).toBeUndefined();
			expect(response.statusCode).toBe(401);
		});
	});

	it('answers 400 without a run to a signed body that is not a task', async () => {
		const { result, response } = await deliver({ hello: 'world' });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(400);
	});

	describe('event filter', () => {
		it('acknowledges but does not run for a status that is not selected', async () => {
			const { result, response } = await deliver({ ...completed([]), status: 'IN_PROGRESS' });
			expect(result.workflowData).toBeUndefined();
			expect(result.webhookResponse).toBeDefined(); // n8n answers 200 with it
			expect(response.statusCode).toBeUndefined();
		});

		it('runs for a status the user selected', async () => {
			const { result } = await deliver(
				{ ...completed([]), status: 'IN_PROGRESS' },
				{ parameters: { events: ['IN_PROGRESS'] } },
			);
			expect(result.workflowData?.[0][0].json.status).toBe('IN_PROGRESS');
		});

		it('runs for FAILED by default', async () => {
			const { result } = await deliver({ task_id: 'task-9', status: 'FAILED', generated: [] });
			expect(result.workflowData?.[0][0].json).toMatchObject({
				task_id: 'task-9',
				status: 'FAILED',
			});
		});
	});

	describe('duplicate deliveries', () => {
		it('runs once for the same webhook-id delivered twice', async () => {
			const first = await deliver(completed(), { webhookId: 'msg_dup' });
			const second = await deliver(completed(), { webhookId: 'msg_dup' });
			expect(first.result.workflowData).toBeDefined();
			expect(second.result.workflowData).toBeUndefined();
			expect(second.result.webhookResponse).toBeDefined();
			expect(second.response.statusCode).toBeUndefined(); // 200 from n8n
		});

		it('does not let a refused request claim a webhook-id', async () => {
			const forged = signedDelivery('wrong', completed(), { webhookId: 'msg_claimed' });
			await runTriggerWebhook({
				credentials: CREDENTIALS,
				headers: forged.headers,
				rawBody: forged.rawBody,
			});
			const genuine = await deliver(completed(), { webhookId: 'msg_claimed' });
			expect(genuine.result.workflowData).toBeDefined();
		});

		it('keeps the memory per workflow and node', async () => {
			await deliver(completed(), { webhookId: 'msg_shared', workflowId: 'wf-a' });
			const otherWorkflow = await deliver(completed(), {
				webhookId: 'msg_shared',
				workflowId: 'wf-b',
			});
			const otherNode = await deliver(completed(), {
				webhookId: 'msg_shared',
				workflowId: 'wf-a',
				nodeId: 'node-2',
			});
			expect(otherWorkflow.result.workflowData).toBeDefined();
			expect(otherNode.result.workflowData).toBeDefined();
		});
	});

	describe('without a webhook secret', () => {
		it('accepts unsigned events and logs a warning', async () => {
			const rawBody = Buffer.from(JSON.stringify(completed()));
			const { result, logs } = await runTriggerWebhook({
				credentials: { apiKey: 'k', baseUrl: 'https://api.freepik.com', webhookSecret: '' },
				headers: { 'content-type': 'application/json' },
				rawBody,
			});
			expect(result.workflowData?.[0][0].json).toMatchObject({
				task_id: 'task-123',
				webhookId: null,
			});
			const warnings = logs.filter((entry) => entry.level === 'warn');
			expect(warnings).toHaveLength(1);
			expect(warnings[0].message).toMatch(/unverified/);
		});

		it('treats a whitespace-only secret as no secret', async () => {
			const { result, logs } = await runTriggerWebhook({
				credentials: { apiKey: 'k', webhookSecret: '   ' },
				headers: {},
				rawBody: Buffer.from(JSON.stringify(completed())),
			});
			expect(result.workflowData).toBeDefined();
			expect(allLogText(logs)).toMatch(/unverified/);
		});
	});

	describe('downloadResult', () => {
		const wavA = tinyWav(8);
		const wavB = tinyWav(16);
		let server: WavServer;

		beforeAll(async () => {
			server = await startWavServer({ '/signed/a.wav': wavA, '/signed/b.wav': wavB });
		});
		afterAll(async () => await server.close());
		beforeEach(() => server.requests.splice(0));

		it('downloads every generated WAV without the API key, after acknowledging', async () => {
			const urls = [`${server.baseUrl}/signed/a.wav?sig=x`, `${server.baseUrl}/signed/b.wav?sig=y`];
			const { result, response } = await deliver(completed(urls), {
				parameters: { downloadResult: true },
			});

			expect(response.statusCode).toBe(200);
			expect(result.noWebhookResponse).toBe(true);
			const [[item]] = result.workflowData!;
			expect(Object.keys(item.binary ?? {})).toEqual(['data', 'data_1']);
			expect(item.binary!.data).toMatchObject({ fileName: 'task-123.wav', mimeType: 'audio/wav' });
			expect(item.binary!.data_1).toMatchObject({
				fileName: 'task-123_1.wav',
				mimeType: 'audio/wav',
			});
			expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(wavA);
			expect(Buffer.from(item.binary!.data_1.data, 'base64')).toEqual(wavB);
			expect(item.json.downloadError).toBeUndefined();

			expect(server.requests.map((request) => request.url)).toEqual([
				'/signed/a.wav?sig=x',
				'/signed/b.wav?sig=y',
			]);
			for (const { headers } of server.requests) {
				expect(headers['x-freepik-api-key']).toBeUndefined();
				expect(headers.authorization).toBeUndefined();
				expect(JSON.stringify(headers)).not.toContain(CREDENTIALS.apiKey);
			}
		});

		it('uses the chosen binary property name', async () => {
			const { result } = await deliver(completed([`${server.baseUrl}/signed/a.wav`]), {
				parameters: { downloadResult: true, outputBinaryPropertyName: 'audio' },
			});
			expect(Object.keys(result.workflowData![0][0].binary ?? {})).toEqual(['audio']);
		});

		it('still hands the event on, with the reason, when the download fails', async () => {
			const { result, response, logs } = await deliver(
				completed([`${server.baseUrl}/signed/expired.wav`]),
				{ parameters: { downloadResult: true } },
			);
			expect(response.statusCode).toBe(200);
			const [[item]] = result.workflowData!;
			expect(item.binary).toBeUndefined();
			expect(item.json.downloadError).toEqual(expect.any(String));
			expect(allLogText(logs)).toMatch(/download/i);
		});

		it('never fetches a URL from an unsigned event, and says why on the item', async () => {
			const internal = `${server.baseUrl}/signed/a.wav?internal=admin`;
			const { result, response, logs } = await runTriggerWebhook({
				credentials: { apiKey: 'k', baseUrl: 'https://api.freepik.com', webhookSecret: '' },
				parameters: { downloadResult: true },
				headers: { 'content-type': 'application/json' },
				rawBody: Buffer.from(JSON.stringify(completed([internal]))),
			});
			expect(server.requests).toHaveLength(0);
			const [[item]] = result.workflowData!;
			expect(item.binary).toBeUndefined();
			expect(item.json).toMatchObject({
				task_id: 'task-123',
				status: 'COMPLETED',
				generated: [internal],
			});
			expect(item.json.downloadSkipped).toMatch(/Webhook Secret/);
			expect(item.json.downloadError).toBeUndefined();
			// n8n answers the request itself (no early acknowledgement was needed).
			expect(response.headersSent).toBe(false);
			expect(result.noWebhookResponse).toBeUndefined();
			expect(allLogText(logs)).toMatch(/not downloaded/);
		});

		it('fetches only http(s) URLs from a signed event', async () => {
			const { result } = await deliver(
				completed(['file:///etc/passwd', `${server.baseUrl}/signed/a.wav`]),
				{
					parameters: { downloadResult: true },
				},
			);
			const [[item]] = result.workflowData!;
			expect(item.binary).toBeUndefined();
			expect(item.json.downloadError).toMatch(/not an http\(s\) URL/);
			expect(server.requests).toHaveLength(0);
		});

		it('does not download for FAILED events or when the option is off', async () => {
			await deliver(
				{ task_id: 't-f', status: 'FAILED', generated: [`${server.baseUrl}/signed/a.wav`] },
				{
					parameters: { downloadResult: true },
				},
			);
			const off = await deliver(completed([`${server.baseUrl}/signed/a.wav`]));
			expect(off.result.workflowData![0][0].binary).toBeUndefined();
			expect(server.requests).toHaveLength(0);
		});
	});

	it('accepts a v2 entry signed with the Previous Webhook Secret during a rotation', async () => {
		const previous = 'the secret being rotated out';
		const delivery = signedDelivery(previous, completed());
		const v2 = {
			...delivery.headers,
			'webhook-signature': delivery.headers['webhook-signature'].replace(/^v1,/, 'v2,'),
		};
		const run = (credentials: Record<string, string>) =>
			runTriggerWebhook({ credentials, headers: v2, rawBody: delivery.rawBody });
		const withoutPrevious = await run(CREDENTIALS);
		expect(withoutPrevious.result.workflowData).toBeUndefined();
		expect(withoutPrevious.response.statusCode).toBe(401);
		clearSeenWebhookIds();
		const { result } = await run({ ...CREDENTIALS, previousWebhookSecret: previous });
		expect(result.workflowData![0][0].json).toMatchObject({ task_id: 'task-123' });
	});

	it('is not confused by a random secret of the whsec_ form signed with decoded bytes', async () => {
		const keyBytes = randomBytes(32);
		const secret = `whsec_${keyBytes.toString('base64')}`;
		const delivery = signedDelivery(keyBytes, completed());
		const { result } = await runTriggerWebhook({
			credentials: { apiKey: 'k', webhookSecret: secret },
			headers: delivery.headers,
			rawBody: delivery.rawBody,
		});
		expect(result.workflowData).toBeDefined();
	});
});
