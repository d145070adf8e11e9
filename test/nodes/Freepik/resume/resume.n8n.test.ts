/**
 * Isolate with Wait Mode "Resume on Webhook", through n8n-core: execute() submits and puts the
 * execution to wait; the simulator's signed callbacks go to the node's webhook().
 */
import { readBinary } from '../../../helpers/freepik';
import {
	deliver,
	RESUME_TOKEN,
	resumeParameters,
	statusOf,
	submit,
	taskIdOf,
	type Callback,
	type Receiver,
	type WaitingRun,
	useResumeServers,
} from '../../../helpers/resume';
import { unpackBatch } from '../../../../nodes/Freepik/resume/packing';
import type { Simulator } from '../../../../simulator';

let sim: Simulator;
let receiver: Receiver;
useResumeServers(200, (servers) => ({ sim, receiver } = servers));

const isFinal = (cb: Callback) => ['COMPLETED', 'FAILED'].includes(statusOf(cb));
const gets = () => sim.stats().gets;
const keptBatch = (waiting: WaitingRun) => unpackBatch(waiting.run.data.resultData.metadata ?? {});

describe('Resume on Webhook: before any request', () => {
	it.each([
		[
			'no Webhook Secret in the credential',
			{ webhookSecret: '' },
			'needs a Webhook Secret in the Freepik API credential',
		],
		['n8n without resume token (1.x)', { resumeToken: null }, 'needs n8n 2.0 or later'],
	])('%s: a clear error and no task', async (_, options, message) => {
		const result = await submit(sim, receiver, resumeParameters(), options);
		expect(result.error?.message).toContain(message);
		expect(result.error?.description).toContain('Nothing was sent to Freepik');
		expect(sim.stats().creates).toBe(0);
	});

	it('refuses a batch larger than the custom data can hold, naming the limit', async () => {
		const items = Array.from({ length: 208 }, () => ({ json: {} }));
		const result = await submit(sim, receiver, resumeParameters(), { items });
		expect(result.error?.message).toBe(
			'Wait Mode "Resume on Webhook" takes at most 207 items per run, got 208',
		);
		expect(sim.stats().creates).toBe(0);
	});

	it('a Webhook URL left from Poll mode (hidden in this mode) gives way to the resume URL', async () => {
		const result = await submit(
			sim,
			receiver,
			resumeParameters({ options: { webhookUrl: 'https://n8n.example.com/webhook/x' } }),
		);
		expect(result.error).toBeUndefined();
		const [create] = sim.requestsTo('create');
		expect((create.body as { webhook_url: string }).webhook_url).toMatch(
			new RegExp(`^${receiver.base}/webhook-waiting/`),
		);
	});

	it('refuses per-item output fields (the batch resumes with one setting)', async () => {
		const items = [{ json: { f: 'a' } }, { json: { f: 'b' } }];
		const result = await submit(
			sim,
			receiver,
			resumeParameters({ options: { outputBinaryPropertyName: '={{ $json.f }}' } }),
			{ items },
		);
		expect(result.error?.message).toContain('must be the same for every item');
		expect(sim.stats().creates).toBe(0);
	});
});

describe('Resume on Webhook: one item', () => {
	it('waits with no poll, keeps the task id, and resumes on the COMPLETED callback with the WAV', async () => {
		const submittedAt = Date.now();
		const waiting = await submit(
			sim,
			receiver,
			resumeParameters({ options: { maxWaitTime: 120 } }),
			{ items: [{ json: { d: 'A voice' } }] },
		);
		expect(waiting.error).toBeUndefined();
		expect(waiting.status).toBe('waiting');
		const waitTill = new Date(waiting.run.data.waitTill!).getTime();
		expect(waitTill).toBeGreaterThanOrEqual(submittedAt + 120_000);
		expect(waitTill).toBeLessThan(Date.now() + 120_000 + 1000);
		expect(waiting.items.map((item) => item.json)).toEqual([{ d: 'A voice' }]);

		const [task] = [...sim.tasks.values()];
		expect(keptBatch(waiting)).toEqual({ taskIds: [task.id], downloadTo: 'data' });
		const webhookUrl = new URL(task.webhookUrl!);
		expect(webhookUrl.pathname).toBe('/webhook-waiting/exec-1');
		expect(Object.fromEntries(webhookUrl.searchParams)).toEqual({
			signature: RESUME_TOKEN,
			item: '0',
		});

		const callback = await receiver.next(
			(cb) => taskIdOf(cb) === task.id && statusOf(cb) === 'COMPLETED',
		);
		const { result, response, items } = await deliver(waiting, callback);
		expect(response.statusCode).toBe(200);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ task_id: task.id, status: 'COMPLETED' });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const wav = await readBinary(items[0].binary!.data);
		expect(wav.subarray(0, 4).toString()).toBe('RIFF');
		expect(result.noWebhookResponse).toBe(true);
		// One API request for the task: its create. No poll, no look-up.
		expect(sim.stats()).toMatchObject({ creates: 1, gets: 0, lists: 0 });
	});

	it('answers a non-final callback with 200 and keeps waiting', async () => {
		const waiting = await submit(sim, receiver, resumeParameters(), {
			items: [{ json: { d: 'A voice [sim:duration=1500]' } }],
		});
		const callback = await receiver.next(
			(cb) => taskIdOf(cb) === [...sim.tasks.keys()][0] && statusOf(cb) === 'IN_PROGRESS',
		);
		const { result, response } = await deliver(waiting, callback);
		expect(response.statusCode).toBe(200);
		expect(result.workflowData).toBeUndefined();
		expect(gets()).toBe(0);
	});
});

describe('Resume on Webhook: forged and stale callbacks', () => {
	let waiting: WaitingRun;
	let genuine: Callback;
	beforeAll(async () => {
		sim.reset();
		waiting = await submit(sim, receiver, resumeParameters(), {
			items: [{ json: { d: 'A voice' } }],
		});
		const taskId = [...sim.tasks.keys()][0];
		genuine = await receiver.next((cb) => taskIdOf(cb) === taskId && statusOf(cb) === 'COMPLETED');
	});

	const forged = (
		change: (headers: Record<string, string>, body: Buffer) => [Record<string, string>, Buffer],
	) => {
		const [headers, rawBody] = change({ ...genuine.headers }, Buffer.from(genuine.rawBody));
		return { headers, rawBody, query: genuine.query };
	};

	it.each([
		[
			'a wrong signature',
			(h: Record<string, string>, b: Buffer) => [
				{ ...h, 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
				b,
			],
		],
		[
			'a body changed after signing',
			(h: Record<string, string>, b: Buffer) => [
				h,
				Buffer.from(b.toString().replace('COMPLETED', 'FAILED')),
			],
		],
		[
			'a stale timestamp (replayed an hour later)',
			(h: Record<string, string>, b: Buffer) => [
				{ ...h, 'webhook-timestamp': String(Number(h['webhook-timestamp']) - 3600) },
				b,
			],
		],
		[
			'no signature headers',
			(h: Record<string, string>, b: Buffer) => [{ 'content-type': h['content-type'] }, b],
		],
	] as const)('%s: 401, no resume, nothing fetched', async (_, change) => {
		sim.reset();
		const { result, response } = await deliver(waiting, forged(change as never));
		expect(response.statusCode).toBe(401);
		expect(response.body).toEqual({ message: 'Invalid webhook signature' });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(sim.requests).toHaveLength(0);
	});

	it('the genuine callback still resumes the execution afterwards', async () => {
		const { items } = await deliver(waiting, genuine);
		expect(items.map((item) => item.json.status)).toEqual(['COMPLETED']);
	});
});

describe('Resume on Webhook: a batch', () => {
	it('resumes once every task is final: outputs in input order, FAILED as an error item, at most 2 requests per task', async () => {
		const descriptions = [
			'slow [sim:duration=900]',
			'fast [sim:duration=100]',
			'broken [sim:duration=300] [sim:fail]',
			'mid [sim:duration=500]',
		];
		const from = receiver.received.length;
		const waiting = await submit(sim, receiver, resumeParameters(), {
			items: descriptions.map((d) => ({ json: { d } })),
		});
		expect(waiting.status).toBe('waiting');
		const taskIds = keptBatch(waiting)!.taskIds;
		expect(taskIds).toHaveLength(4);

		let resumed: Awaited<ReturnType<typeof deliver>> | undefined;
		const delivered = new Set<string>();
		while (!resumed) {
			const callback = await receiver.next(
				(cb) => isFinal(cb) && !delivered.has(taskIdOf(cb)),
				from,
			);
			delivered.add(taskIdOf(callback));
			const outcome = await deliver(waiting, callback);
			expect(outcome.response.statusCode).toBe(200);
			if (outcome.result.workflowData) resumed = outcome;
		}
		expect(resumed.items.map((item) => item.json.task_id)).toEqual(taskIds);
		expect(resumed.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3].map((item) => ({ item })),
		);
		expect(resumed.items[2].json).toMatchObject({
			task_id: taskIds[2],
			status: 'FAILED',
			error: `Freepik task ${taskIds[2]} FAILED`,
		});
		for (const i of [0, 1, 3]) expect(resumed.items[i].binary?.data).toBeDefined();
		const { creates, gets: lookUps } = sim.stats();
		expect(creates).toBe(4);
		expect((creates + lookUps) / 4).toBeLessThanOrEqual(2);
	});
});

describe('Resume on Webhook: callbacks at the same time', () => {
	it('two final callbacks (and a repeated one) together resume the execution exactly once', async () => {
		const from = receiver.received.length;
		const waiting = await submit(sim, receiver, resumeParameters(), {
			items: [{ json: { d: 'a' } }, { json: { d: 'b' } }],
		});
		const [first, second] = await Promise.all(
			keptBatch(waiting)!.taskIds.map(
				async (id) => await receiver.next((cb) => taskIdOf(cb) === id && isFinal(cb), from),
			),
		);
		const outcomes = await Promise.all([
			deliver(waiting, first),
			deliver(waiting, second),
			deliver(waiting, second),
		]);
		expect(outcomes.map((o) => o.response.statusCode)).toEqual([200, 200, 200]);
		const resumed = outcomes.filter((o) => o.result.workflowData);
		expect(resumed).toHaveLength(1);
		expect(resumed[0].items.map((item) => item.json.status)).toEqual(['COMPLETED', 'COMPLETED']);
	});
});
