// @ts-check
'use strict';
// End-to-end: an execution stopped the way the editor's Stop button does it, under `n8n start`.
// "Isolate 3 via webhook": Webhook (answers at once) -> Code (3 URLs) -> Freepik Isolate (wait,
// Poll mode) on tasks that run 60 s. Once the simulator has created the 3 tasks and each has been
// polled, the owner stops the execution (POST /rest/executions/<id>/stop, what the editor sends).
// n8n then discards the node's output, so the task ids survive only in the node's warn lines: one
// per task, naming its item, its id and its last status. After the stop nothing reaches the API.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const H = require('../../harness/n8n-headless');
const E = require('./harness');

const WORKFLOW_ID = 'fpE2eCancel00001';
const ITEMS = 3;
const POLL_INTERVAL_S = 1;
const OWNER = { email: 'owner@example.com', password: 'Cancel-e2e-1' };
let ctx;
let output = '';

beforeAll(async () => {
	ctx = await E.setup();
	const port = await H.freePort();
	const wf = E.workflow(
		WORKFLOW_ID,
		'e2e: isolate 3 via webhook, then stop',
		[
			E.node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				{ httpMethod: 'POST', path: 'e2e-cancel', responseMode: 'onReceived', options: {} },
				{ webhookId: crypto.randomUUID() },
			),
			E.code(
				'Items',
				`return Array.from({ length: ${ITEMS} }, (_, n) => ({ json: { url: \`https://example.com/cancel/clip-\${n}.wav\` } }));`,
			),
			E.freepik('Isolate', {
				operation: 'isolate',
				description: 'A person speaking [sim:duration=60000]',
				inputType: 'audio',
				inputSource: 'url',
				url: '={{ $json.url }}',
				waitForCompletion: true,
				waitMode: 'poll',
				downloadResult: false,
				options: { pollInterval: POLL_INTERVAL_S, maxWaitTime: 600 },
			}),
		],
		undefined,
		ctx.typePrefix,
	);
	await ctx.n8n.importWorkflows([wf]);
	await ctx.n8n.publishWorkflow(WORKFLOW_ID);
	await ctx.n8n.start({ port, onOutput: (d) => (output = (output + d).slice(-500000)) });
	await ctx.n8n.setupOwner({ ...OWNER, firstName: 'E2e', lastName: 'Owner' });
});

afterAll(async () => {
	if (ctx) await ctx.teardown();
});

/** The owner's session on n8n's REST API, as the editor uses it (cookie from /rest/login). */
async function ownerSession(baseUrl) {
	const login = await H.request(`${baseUrl}/rest/login`, {
		method: 'POST',
		body: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
	});
	assert.equal(login.status, 200, `login: ${login.status} ${login.text.slice(0, 300)}`);
	const cookie = /** @type {string[]} */ ([])
		.concat(login.headers['set-cookie'] || [])
		.map((c) => c.split(';')[0])
		.join('; ');
	return async (method, p, body) => {
		const res = await H.request(`${baseUrl}${p}`, {
			method,
			body,
			headers: { cookie },
			timeoutMs: 30e3,
		});
		assert.equal(res.status, 200, `${method} ${p}: ${res.status} ${res.text.slice(0, 300)}`);
		return res.json.data;
	};
}

async function waitUntil(what, probe, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await H.sleep(250);
	}
}

// eslint-disable-next-line no-control-regex
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');
const cancelLines = () =>
	plain(output)
		.split('\n')
		.filter((line) => line.includes('Freepik: execution cancelled; item '));

test(`stopping a running execution logs each of its ${ITEMS} task ids once and stops polling`, async () => {
	const rest = await ownerSession(ctx.n8n.server.baseUrl);
	const started = await ctx.n8n.callWebhook('e2e-cancel', { body: {} });
	assert.equal(started.status, 200, `webhook answered ${started.status} ${started.text}`);

	// All 3 tasks created and each polled at least once: the node is in its waiting loop.
	const tasks = await waitUntil(
		`${ITEMS} tasks created and polled`,
		async () => {
			const created = await ctx.sim.tasksList();
			const gets = (await ctx.sim.requests()).filter((r) => r.route === 'get');
			return created.length === ITEMS && created.every((t) => gets.some((r) => r.taskId === t.id))
				? created
				: undefined;
		},
		60e3,
	);
	const filter = encodeURIComponent(JSON.stringify({ workflowId: WORKFLOW_ID }));
	const listed = await waitUntil(
		'the running execution in /rest/executions',
		async () => {
			const data = await rest('GET', `/rest/executions?filter=${filter}`);
			const list = data.results ?? data;
			return list.length > 0 ? list : undefined;
		},
		30e3,
	);
	assert.equal(listed.length, 1);
	assert.equal(listed[0].status, 'running');
	const executionId = String(listed[0].id);

	const stopped = await rest('POST', `/rest/executions/${executionId}/stop`);
	const stoppedAt = Date.now();
	assert.equal(stopped.status, 'canceled', `stop answered ${JSON.stringify(stopped)}`);

	// The node winds down and logs; then a few poll intervals in which nothing may be sent.
	await waitUntil(
		'the cancel summary line',
		async () => plain(output).includes('Freepik: execution cancelled. '),
		30e3,
	);
	await H.sleep(4 * POLL_INTERVAL_S * 1000);

	const lines = cancelLines();
	const requests = await ctx.sim.requests();
	console.error(`[e2e] cancel: execution ${executionId}\n${lines.join('\n')}`);
	assert.equal(lines.length, ITEMS, `expected one line per task:\n${lines.join('\n')}`);
	for (const task of tasks) {
		const item = Number(
			/** @type {RegExpExecArray} */ (/clip-(\d+)\.wav$/.exec(task.body.audio))[1],
		);
		const mine = lines.filter((line) => line.includes(`item ${item}: `));
		assert.equal(mine.length, 1, `item ${item}: ${mine.length} lines`);
		// The last status is what the simulator answered to the task's last poll.
		const lastPoll = requests.filter((r) => r.route === 'get' && r.taskId === task.id).at(-1);
		const lastStatus = lastPoll.at < task.inProgressAt ? 'CREATED' : 'IN_PROGRESS';
		assert.match(
			mine[0],
			new RegExp(
				`item ${item}: task ${task.id} keeps running on Freepik \\(last status ${lastStatus}\\)`,
			),
		);
	}
	assert.match(plain(output), /Freepik: execution cancelled\. 0 of 3 tasks finished .* 3 running/);

	const late = requests.filter((r) => r.at > stoppedAt);
	assert.deepEqual(
		late.map((r) => `${r.route} ${r.path}`),
		[],
		'requests (polls of the 3 tasks or any other) after the stop',
	);
	assert.equal((await ctx.sim.stats()).creates, ITEMS);

	const final = await rest('GET', `/rest/executions?filter=${filter}`);
	assert.equal((final.results ?? final)[0].status, 'canceled');
});
