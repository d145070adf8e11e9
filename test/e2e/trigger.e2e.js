// @ts-check
'use strict';
// End-to-end for the Freepik Trigger: `n8n start` with two published workflows.
//   "Isolate via webhook": Webhook -> Freepik Isolate (no wait, Webhook URL = the trigger's URL)
//   "On Freepik event":    Freepik Trigger (download result) -> Write File io/trig-<task>-<execution>.wav
// The simulator then calls the trigger on every status change, signed with the webhook secret, like
// Freepik does. Files written by the second workflow show which events started an execution.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const H = require('../../harness/n8n-headless');
const { isWav } = require('../../simulator/wav');
const E = require('./harness');

const TRIGGER_WEBHOOK_ID = '7d0c3c1e-5f1a-4b7e-9a43-e2e0f0000001';
let ctx;
let triggerUrl;
let baseUrl;

beforeAll(async () => {
	ctx = await E.setup();
	const port = await H.freePort();
	baseUrl = `http://127.0.0.1:${port}`;
	triggerUrl = `${baseUrl}/webhook/${TRIGGER_WEBHOOK_ID}/freepik`;

	const isolate = E.workflow(
		'fpE2eTrigIsolat1',
		'e2e: isolate via webhook',
		[
			E.node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				{ httpMethod: 'POST', path: 'e2e-isolate', responseMode: 'lastNode', options: {} },
				{ webhookId: crypto.randomUUID() },
			),
			E.freepik('Isolate', {
				operation: 'isolate',
				description: 'A person speaking [sim:duration=1500]',
				inputType: 'audio',
				inputSource: 'url',
				url: 'https://example.com/speech.wav',
				waitForCompletion: false,
				options: { webhookUrl: triggerUrl },
			}),
		],
		undefined,
		ctx.typePrefix,
	);
	const onEvent = E.workflow(
		'fpE2eTrigEvents1',
		'e2e: on Freepik event',
		[
			E.node(
				'Freepik Trigger',
				`${H.REGISTRY_PREFIX}freepikTrigger`,
				1,
				{
					events: ['COMPLETED', 'FAILED'],
					downloadResult: true,
					outputBinaryPropertyName: 'data',
					options: {},
				},
				{ webhookId: TRIGGER_WEBHOOK_ID, credentials: { freepikApi: E.CREDENTIALS.good } },
			),
			E.writeFile('Write', `=${ctx.io}/trig-{{ $json.task_id }}-{{ $execution.id }}.wav`),
		],
		undefined,
		ctx.typePrefix,
	);
	let t = Date.now();
	await ctx.n8n.importWorkflows([isolate, onEvent]);
	ctx.timings.importWorkflows = Date.now() - t;
	t = Date.now();
	await ctx.n8n.publishWorkflow(isolate.id);
	await ctx.n8n.publishWorkflow(onEvent.id);
	ctx.timings.publish = Date.now() - t;
	t = Date.now();
	await ctx.n8n.start({ port });
	// Unsigned: answered 401 without running anything once the trigger is active.
	const probe = await ctx.n8n.callWebhook(`${TRIGGER_WEBHOOK_ID}/freepik`);
	assert.equal(probe.status, 401, `unsigned request to the trigger: ${probe.status} ${probe.text}`);
	ctx.timings.startAndActivate = Date.now() - t;
	console.error(
		`[e2e] n8n ${ctx.runtime.version}, setup timings (ms): ${JSON.stringify(ctx.timings)}`,
	);
});

afterAll(async () => {
	if (ctx) await ctx.teardown();
});

const filesFor = (taskId) => fs.readdirSync(ctx.io).filter((f) => f.startsWith(`trig-${taskId}-`));

/** Wait until `count()` reaches `expected` (or the deadline), then a little longer to see it stays. */
async function settle(count, expected, { timeoutMs = 20e3, quietMs = 1500 } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline && count() < expected) await H.sleep(200);
	await H.sleep(quietMs);
	return count();
}

/** Send one webhook to the trigger through the simulator (signed with its secret unless overridden). */
async function sendWebhook(task, opts = {}) {
	const res = await H.request(`${ctx.sim.apiUrl}/__sim/webhook`, {
		method: 'POST',
		body: { url: triggerUrl, task, ...opts },
	});
	assert.equal(res.status, 200, res.text);
	return res.json; // { status, responseBody, id, ... } of the delivery
}

let completedTask; // the task view of the first test, reused by the duplicate test

test('isolate with a Webhook URL: the trigger runs once, on COMPLETED, with the downloaded WAV', async () => {
	const res = await ctx.n8n.callWebhook('e2e-isolate');
	assert.equal(res.status, 200, res.text);
	const taskId = res.json?.task_id;
	assert.match(String(taskId), /^[0-9a-f-]{36}$/, `unexpected webhook answer: ${res.text}`);

	assert.equal(
		await settle(() => filesFor(taskId).length, 1),
		1,
		'expected exactly one execution of the trigger workflow',
	);
	assert.ok(
		isWav(fs.readFileSync(path.join(ctx.io, filesFor(taskId)[0]))),
		'the trigger did not download the WAV',
	);

	const deliveries = (await H.request(`${ctx.sim.apiUrl}/__sim/webhooks`)).json.filter(
		(d) => d.taskId === taskId,
	);
	assert.ok(
		deliveries.some((d) => d.event === 'COMPLETED'),
		`no COMPLETED delivery: ${JSON.stringify(deliveries)}`,
	);
	for (const d of deliveries)
		assert.equal(d.status, 200, `delivery ${d.event} answered ${d.status}: ${d.responseBody}`);
	completedTask = JSON.parse(deliveries.find((d) => d.event === 'COMPLETED').body);
}, 60e3);

test('a wrong signature, a wrong secret or a stale timestamp is refused with 401 and starts nothing', async () => {
	const task = { task_id: crypto.randomUUID(), status: 'COMPLETED', generated: [] };
	const attempts = [
		{ signatureOverride: `v1,${Buffer.alloc(32).toString('base64')}` },
		{ secret: 'not-the-secret' },
		{ timestamp: Math.floor(Date.now() / 1000) - 3600 },
	];
	for (const opts of attempts) {
		const delivery = await sendWebhook(task, opts);
		assert.equal(
			delivery.status,
			401,
			`${JSON.stringify(opts)} answered ${delivery.status}: ${delivery.responseBody}`,
		);
	}
	assert.equal(await settle(() => filesFor(task.task_id).length, 1, { timeoutMs: 0 }), 0);
});

test('a redelivered webhook-id starts the workflow only once', async () => {
	assert.ok(completedTask, 'needs the first test');
	const before = filesFor(completedTask.task_id).length;
	const id = `msg_e2e_${crypto.randomBytes(6).toString('hex')}`;
	const timestamp = Math.floor(Date.now() / 1000);
	const first = await sendWebhook(completedTask, { id, timestamp });
	const second = await sendWebhook(completedTask, { id, timestamp });
	assert.equal(first.status, 200);
	assert.equal(second.status, 200);
	assert.equal(await settle(() => filesFor(completedTask.task_id).length, before + 1), before + 1);
});
