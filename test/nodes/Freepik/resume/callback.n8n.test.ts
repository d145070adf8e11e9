/**
 * The node's webhook() in Resume on Webhook mode, on callbacks the simulator does not send by
 * itself: signed by hand with the credential's secret, handed over through n8n-core's
 * WebhookContext like the genuine ones in resume.n8n.test.ts.
 */
import { randomUUID } from 'crypto';

import { signWebhook, type Simulator } from '../../../../simulator';
import {
	deliver,
	resumeParameters,
	statusOf,
	submit,
	taskIdOf,
	WEBHOOK_SECRET,
	type Receiver,
	type WaitingRun,
	useResumeServers,
} from '../../../helpers/resume';
import { unpackBatch } from '../../../../nodes/Freepik/resume/packing';
import {
	clearSharedLimiters,
	sharedLimiter,
} from '../../../../nodes/Freepik/transport/limiterRegistry';
import { FREEPIK_RATE_LIMITS } from '../../../../nodes/Freepik/transport/rateLimiter';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { capturedLogs } = require('../../../../harness/n8n-harness') as {
	capturedLogs: Array<{ level: string; message: string }>;
};

let sim: Simulator;
let receiver: Receiver;
useResumeServers(150, (servers) => ({ sim, receiver } = servers));

const taskIdsOf = (waiting: WaitingRun) =>
	unpackBatch(waiting.run.data.resultData.metadata ?? {})!.taskIds;

/** A callback for `task` about item `item`, signed (by default with the credential's secret). */
function signed(task: object, item = 0, { secret = WEBHOOK_SECRET, version = 'v1' } = {}) {
	const body = JSON.stringify(task);
	const id = `msg_${randomUUID()}`;
	const timestamp = Math.floor(Date.now() / 1000);
	return {
		headers: {
			'content-type': 'application/json',
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': signWebhook({ id, timestamp, body, secret }).replace(
				/^v1,/,
				`${version},`,
			),
		},
		rawBody: Buffer.from(body),
		query: { item: String(item) },
	};
}

const warningsSince = (from: number) =>
	capturedLogs
		.slice(from)
		.filter((l) => l.level === 'warn')
		.map((l) => l.message);

async function waitForStatus(taskId: string, status: string) {
	for (let i = 0; i < 200 && sim.taskView(taskId)?.status !== status; i++)
		await new Promise((resolve) => setTimeout(resolve, 20));
	expect(sim.taskView(taskId)?.status).toBe(status);
}

const waitFor = async (parameters = resumeParameters(), descriptions = ['A voice']) =>
	await submit(sim, receiver, parameters, { items: descriptions.map((d) => ({ json: { d } })) });

describe('Resume on Webhook: callbacks that do not resume', () => {
	it('answers 409 to a callback for an execution that holds no Freepik tasks', async () => {
		const waiting = await waitFor();
		const [taskId] = taskIdsOf(waiting);
		waiting.run.data.resultData.metadata = {}; // what deliver() hands to webhook() as custom data
		const { result, response } = await deliver(
			waiting,
			signed({ task_id: taskId, status: 'COMPLETED' }),
		);
		expect(response.statusCode).toBe(409);
		expect(response.body).toEqual({ message: 'This execution is not waiting for Freepik tasks' });
		expect(result.workflowData).toBeUndefined();
	});

	it('refuses every callback once the Webhook Secret was removed from the credential', async () => {
		const waiting = await waitFor();
		const credentials = (
			waiting.additionalData as unknown as { credentialsHelper: { data: Record<string, any> } }
		).credentialsHelper.data.freepikApi;
		const [taskId] = taskIdsOf(waiting);
		const logsFrom = capturedLogs.length;
		credentials.webhookSecret = '';
		try {
			const { result, response } = await deliver(
				waiting,
				signed({ task_id: taskId, status: 'COMPLETED' }),
			);
			expect(response.statusCode).toBe(401);
			expect(result.workflowData).toBeUndefined();
			expect(warningsSince(logsFrom)).toEqual([
				expect.stringContaining('refused a callback (no Webhook Secret)'),
			]);
		} finally {
			credentials.webhookSecret = WEBHOOK_SECRET;
		}
	});

	it('answers 400 to a signed body that is not a task', async () => {
		const waiting = await waitFor();
		const { result, response } = await deliver(waiting, signed({ hello: 'world' }));
		expect(response.statusCode).toBe(400);
		expect(response.body).toEqual({ message: 'Invalid webhook payload' });
		expect(result.workflowData).toBeUndefined();
	});

	it('ignores (200) a final callback for a task of another execution', async () => {
		const waiting = await waitFor();
		const logsFrom = capturedLogs.length;
		const stranger = randomUUID();
		const { result, response } = await deliver(
			waiting,
			signed({ task_id: stranger, status: 'COMPLETED', generated: [] }),
		);
		expect(response.statusCode).toBe(200);
		expect(response.body).toEqual({ message: 'Not a task of this execution: ignored' });
		expect(result.workflowData).toBeUndefined();
		expect(warningsSince(logsFrom)).toEqual([
			expect.stringContaining(`task ${stranger}, which is not part of this execution`),
		]);
	});

	it('keeps waiting when looking up an unfinished task fails, and says so', async () => {
		const waiting = await waitFor(resumeParameters(), ['done', 'slow [sim:never]']);
		const [done, slow] = taskIdsOf(waiting);
		sim.addFault({
			route: 'get',
			kind: 'status',
			status: 404,
			body: { message: 'Not found' },
			times: 'Infinity',
		});
		const logsFrom = capturedLogs.length;
		const { result, response } = await deliver(
			waiting,
			signed({ task_id: done, status: 'COMPLETED', generated: [] }),
		);
		expect(response.statusCode).toBe(200);
		expect(result.workflowData).toBeUndefined();
		expect(warningsSince(logsFrom)).toEqual([
			expect.stringContaining(`looking up task ${slow} failed, waiting for its callback`),
		]);
	});

	it('does not resume a second time on a final callback repeated after the resume', async () => {
		const from = receiver.received.length;
		const waiting = await waitFor();
		const [taskId] = taskIdsOf(waiting);
		const final = await receiver.next(
			(cb) => taskIdOf(cb) === taskId && statusOf(cb) === 'COMPLETED',
			from,
		);
		expect((await deliver(waiting, final)).result.workflowData).toBeDefined();
		const again = await deliver(
			waiting,
			signed({ task_id: taskId, status: 'COMPLETED', generated: [] }),
		);
		expect(again.response.statusCode).toBe(200);
		expect(again.result.workflowData).toBeUndefined();
	});
});

describe('Resume on Webhook: a webhook secret rotation', () => {
	it('resumes on a v2 callback signed with the Previous Webhook Secret, refused without it', async () => {
		const waiting = await waitFor(resumeParameters({ downloadResult: false }));
		const credentials = (
			waiting.additionalData as unknown as { credentialsHelper: { data: Record<string, any> } }
		).credentialsHelper.data.freepikApi;
		const [taskId] = taskIdsOf(waiting);
		const task = { task_id: taskId, status: 'COMPLETED', generated: [] };
		const rotation = { secret: 'the secret being rotated out', version: 'v2' };
		const refused = await deliver(waiting, signed(task, 0, rotation));
		expect(refused.response.statusCode).toBe(401);
		expect(refused.result.workflowData).toBeUndefined();
		credentials.previousWebhookSecret = rotation.secret;
		try {
			const { items } = await deliver(waiting, signed(task, 0, rotation));
			expect(items.map((item) => [item.json.task_id, item.json.status])).toEqual([
				[taskId, 'COMPLETED'],
			]);
		} finally {
			delete credentials.previousWebhookSecret;
		}
	});
});

describe('Resume on Webhook: a process that has not seen the batch yet', () => {
	it('looks the other tasks up once and resumes at once when they are final too', async () => {
		const waiting = await waitFor(resumeParameters(), ['one', 'two']);
		const [first, second] = taskIdsOf(waiting) as string[];
		for (const id of [first, second]) await waitForStatus(id, 'COMPLETED');
		// As after a restart: the callback for the second task was missed.
		const { items } = await deliver(
			waiting,
			signed({
				task_id: first,
				status: 'COMPLETED',
				generated: [sim.taskView(first)!.generated[0]],
			}),
		);
		expect(items.map((item) => [item.json.task_id, item.json.status])).toEqual([
			[first, 'COMPLETED'],
			[second, 'COMPLETED'],
		]);
		expect(sim.requestsTo('get').map((r) => r.taskId)).toEqual([second]);
	});
});

describe("Resume on Webhook: a callback's look-ups obey the node's Tuning", () => {
	it('share the host limiter at its rates (not the defaults) and give up by its Request Timeout', async () => {
		const tuning = {
			averageRequestsPerSecond: 100,
			burstRequestsPerSecond: 200,
			requestTimeout: 7,
		};
		const waiting = await waitFor(resumeParameters({ tuning }), ['done', 'slow [sim:never]']);
		const [done, slow] = taskIdsOf(waiting);
		// Another process took the callback; a 429 there pauses the host for 60 s.
		clearSharedLimiters();
		const loosest = { ...FREEPIK_RATE_LIMITS, burstPerSecond: 1000, averagePerSecond: 1000 };
		sharedLimiter(sim.apiUrl, loosest).onRateLimited(60_000);
		const logsFrom = capturedLogs.length;
		const { result } = await deliver(waiting, signed({ task_id: done, status: 'COMPLETED' }));
		expect(result.workflowData).toBeUndefined();
		expect(warningsSince(logsFrom)).toEqual([
			expect.stringMatching(
				new RegExp(`looking up task ${slow} failed.*past this call's Request Timeout`),
			),
		]);
		expect(sharedLimiter(sim.apiUrl, loosest).limits).toMatchObject({
			averagePerSecond: 100,
			burstPerSecond: 200,
		});
	});
});

describe('Resume on Webhook: what a resumed item holds', () => {
	it('an item that got no task resumes as an error item; Download Result off resumes without binary', async () => {
		const tooLong = 'x'.repeat(2501);
		const from = receiver.received.length;
		const waiting = await submit(sim, receiver, resumeParameters({ downloadResult: false }), {
			items: [{ json: { d: 'A voice' } }, { json: { d: tooLong } }],
			continueOnFail: true,
		});
		const [taskId, none] = taskIdsOf(waiting);
		expect(none).toBeNull();
		const final = await receiver.next(
			(cb) => taskIdOf(cb) === taskId && statusOf(cb) === 'COMPLETED',
			from,
		);
		const { items } = await deliver(waiting, final);
		expect(items).toHaveLength(2);
		expect(items[0].json).toMatchObject({ task_id: taskId, status: 'COMPLETED' });
		expect(items[0].binary).toBeUndefined();
		expect(items[1].json.error).toBe('No task was created for this item');
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(sim.requestsTo('download')).toEqual([]);
	});

	it('a COMPLETED callback without files is looked up once, then an error item names the task', async () => {
		const waiting = await waitFor(resumeParameters(), ['A voice [sim:never]']);
		const [taskId] = taskIdsOf(waiting);
		const { items } = await deliver(
			waiting,
			signed({ task_id: taskId, status: 'COMPLETED', generated: [] }),
		);
		expect(items).toHaveLength(1);
		expect(items[0].json.task_id).toBe(taskId);
		expect(String(items[0].json.error)).toContain(taskId);
		expect(String(items[0].json.error)).toMatch(/without result files|no result files/i);
		expect(sim.requestsTo('get')).toHaveLength(1);
	});
});
