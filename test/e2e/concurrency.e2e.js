// @ts-check
'use strict';
// End-to-end: several executions of one workflow at once in one `n8n start` process, all on one
// API key. "Isolate batch via webhook": Webhook -> Code (30 items) -> Freepik Isolate (wait).
// Three webhook calls start three executions together; the simulator enforces Freepik's limits
// (50 requests in any second, per key). The node's limiter is shared per account in the process,
// so together they stay under the account's limit instead of each bursting at it.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const H = require('../../harness/n8n-headless');
const E = require('./harness');

const EXECUTIONS = 3;
const TASKS_PER_EXECUTION = 30;
let ctx;

beforeAll(async () => {
	ctx = await E.setup();
	await ctx.sim.config({ rateLimit: true });
	const port = await H.freePort();
	const batch = E.workflow(
		'fpE2eConcurrent1',
		'e2e: isolate batch via webhook',
		[
			E.node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				{ httpMethod: 'POST', path: 'e2e-batch', responseMode: 'lastNode', options: {} },
				{ webhookId: crypto.randomUUID() },
			),
			E.code(
				'Items',
				`const run = $json.body.run;\nreturn Array.from({ length: ${TASKS_PER_EXECUTION} }, (_, n) => ({ json: { url: \`https://example.com/run-\${run}/clip-\${n}.wav\` } }));`,
			),
			E.freepik('Isolate', {
				operation: 'isolate',
				description: 'A person speaking [sim:duration=1000]',
				inputType: 'audio',
				inputSource: 'url',
				url: '={{ $json.url }}',
				waitForCompletion: true,
				downloadResult: false,
				options: { pollInterval: 1 },
			}),
		],
		undefined,
		ctx.typePrefix,
	);
	await ctx.n8n.importWorkflows([batch]);
	await ctx.n8n.publishWorkflow(batch.id);
	await ctx.n8n.start({ port });
});

afterAll(async () => {
	if (ctx) await ctx.teardown();
});

test(`${EXECUTIONS} executions of ${TASKS_PER_EXECUTION} tasks started by webhook at once share one rate limit`, async () => {
	const started = Date.now();
	const answers = await Promise.all(
		Array.from(
			{ length: EXECUTIONS },
			async (_, run) => await ctx.n8n.callWebhook('e2e-batch', { body: { run }, timeoutMs: 120e3 }),
		),
	);
	const wallMs = Date.now() - started;
	for (const answer of answers)
		assert.equal(
			answer.status,
			200,
			`webhook answered ${answer.status} ${answer.text.slice(0, 300)}`,
		);

	const stats = await ctx.sim.stats();
	const creates = (await ctx.sim.requests()).filter(
		(r) => r.route === 'create' && r.status === 200,
	);
	const audios = creates.map((r) => r.body?.audio);
	console.error(
		`[e2e] concurrent executions: ${JSON.stringify({ rateLimited429: stats.rateLimited, creates: creates.length, wallMs })}`,
	);
	assert.ok(stats.rateLimited <= 2, `${stats.rateLimited} answers 429 (target: at most 2)`);
	assert.equal(creates.length, EXECUTIONS * TASKS_PER_EXECUTION);
	assert.equal(new Set(audios).size, EXECUTIONS * TASKS_PER_EXECUTION, 'a task was created twice');
	for (let run = 0; run < EXECUTIONS; run++) {
		for (let n = 0; n < TASKS_PER_EXECUTION; n++)
			assert.ok(
				audios.includes(`https://example.com/run-${run}/clip-${n}.wav`),
				`run ${run} item ${n} never created`,
			);
	}
});
