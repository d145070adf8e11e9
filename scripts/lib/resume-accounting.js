// @ts-check
'use strict';
/**
 * Real-n8n cases of scripts/e2e-resume.js for issue 22: two waits in one execution (two Isolate
 * nodes in a row with 30 then 5 items; a Loop Over Items of 40 items in batches of 30) and On
 * Error "Continue (using error output)" with Resume on Webhook and with Poll.
 */

/** A published workflow: Webhook (path) → Split Out (body.items) → `steps`, chained in order. */
function chain({ id, name, path, uuid, credential, prefix, steps, extraConnections = {} }) {
	const node = (n, i) => ({ id: uuid(`${id}:${n.name}`), position: [i * 240, 0], ...n });
	const head = [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			webhookId: uuid(`${id}:start`),
		},
		{
			name: 'Split Out',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'body.items', options: {} },
		},
	];
	const withType = steps.map((s) =>
		s.type
			? s
			: {
					...s,
					type: `${prefix}freepik`,
					typeVersion: 1,
					credentials: { freepikApi: credential },
					webhookId: uuid(`${id}:${s.name}:wh`),
				},
	);
	const nodes = [...head, ...withType].map(node);
	const connections = {};
	nodes.slice(1).forEach((n, i) => {
		const from = nodes[i].name;
		if (!extraConnections[from])
			connections[from] = { main: [[{ node: n.name, type: 'main', index: 0 }]] };
	});
	Object.assign(connections, extraConnections);
	return {
		id,
		name,
		active: false,
		nodes,
		connections,
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
		},
		pinData: {},
	};
}

const isolate = (name, waitMode, extra = {}) => ({
	name,
	parameters: {
		resource: 'audioIsolation',
		operation: 'isolate',
		description: '={{ $json.d }}',
		inputType: 'audio',
		inputSource: 'url',
		url: 'https://example.com/resume-e2e.mp3',
		waitForCompletion: true,
		waitMode,
		downloadResult: false,
		options: { maxWaitTime: 300, ...(waitMode === 'poll' ? { pollInterval: 1 } : {}) },
	},
	...extra,
});

const IDS = {
	row: 'fpResumeE2ERow01',
	loop: 'fpResumeE2ELoop1',
	errWebhook: 'fpResumeE2EErrW1',
	errPoll: 'fpResumeE2EErrP1',
};
const PATHS = {
	row: 'freepik-e2e-two-in-a-row',
	loop: 'freepik-e2e-loop',
	errWebhook: 'freepik-e2e-error-output-webhook',
	errPoll: 'freepik-e2e-error-output-poll',
};

function workflows({ uuid, credential, prefix }) {
	const base = { uuid, credential, prefix };
	const errorOutput = (key, waitMode) =>
		chain({
			...base,
			id: IDS[key],
			name: `resume e2e: On Error → error output (${waitMode})`,
			path: PATHS[key],
			steps: [isolate('Isolate', waitMode, { onError: 'continueErrorOutput' })],
		});
	return [
		chain({
			...base,
			id: IDS.row,
			name: 'resume e2e: two Isolate nodes in a row (30, then 5 items)',
			path: PATHS.row,
			steps: [
				isolate('Isolate A', 'webhook'),
				{
					name: 'Limit',
					type: 'n8n-nodes-base.limit',
					typeVersion: 1,
					parameters: { maxItems: 5 },
				},
				isolate('Isolate B', 'webhook', {
					parameters: {
						...isolate('', 'webhook').parameters,
						description: '={{ $json.task_id }} b [sim:duration=8000]',
					},
				}),
			],
		}),
		chain({
			...base,
			id: IDS.loop,
			name: 'resume e2e: Loop Over Items (batches of 30) around Isolate',
			path: PATHS.loop,
			steps: [
				{
					name: 'Loop',
					type: 'n8n-nodes-base.splitInBatches',
					typeVersion: 3,
					parameters: { batchSize: 30, options: {} },
				},
				isolate('Isolate', 'webhook'),
			],
			extraConnections: {
				Loop: { main: [[], [{ node: 'Isolate', type: 'main', index: 0 }]] },
				Isolate: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
			},
		}),
		errorOutput('errWebhook', 'webhook'),
		errorOutput('errPoll', 'poll'),
	];
}

const runsOf = (data, node) => data?.resultData?.runData?.[node] ?? [];
const outputOf = (run, output = 0) => run?.data?.main?.[output] ?? [];

/**
 * Freepik retries a callback that failed; the simulator does not. On a loaded machine n8n answers
 * some callbacks too late (or 409 before the execution is saved): send the final ones again.
 */
async function resendFailedFinals(t) {
	const all = await t.deliveries();
	const final = (d) => ['COMPLETED', 'FAILED'].includes(d.event);
	const answered = new Set(all.filter((d) => final(d) && d.status === 200).map((d) => d.taskId));
	const lost = new Map();
	for (const d of all) if (final(d) && !answered.has(d.taskId)) lost.set(d.taskId, d);
	for (const d of lost.values()) await t.resend(d);
	return lost.size;
}

/** Starts the workflow and waits until its execution ends; its run data and status. */
async function runToEnd(t, key, items) {
	const before = new Set((await t.rest.executions(IDS[key])).map((e) => e.id));
	const res = await t.n8n.callWebhook(PATHS[key], { body: { items: items.map((d) => ({ d })) } });
	if (res.status !== 200) throw new Error(`${key}: start answered ${res.status}`);
	let nextResend = Date.now() + 20e3;
	const status = await t.waitUntil(
		`${key} to end`,
		async () => {
			if (Date.now() > nextResend) {
				const resent = await resendFailedFinals(t);
				if (resent) t.log(`${key}: ${resent} final callback(s) sent again`);
				nextResend = Date.now() + 20e3;
			}
			const fresh = (await t.rest.executions(IDS[key])).filter((e) => !before.has(e.id));
			const st = fresh[0]?.status;
			return fresh.length && ['success', 'error', 'crashed', 'canceled'].includes(st)
				? { id: fresh[0].id, status: st }
				: undefined;
		},
		480e3,
	);
	return { status: status.status, data: await t.rest.runData(status.id) };
}

const described = (n, tag, ms) =>
	Array.from({ length: n }, (_, i) => `${tag} ${i} [sim:duration=${ms}]`);

async function twoInARow(t) {
	await t.sim.reset();
	const { status, data } = await runToEnd(t, 'row', described(30, 'row', 8000));
	const a = outputOf(runsOf(data, 'Isolate A').at(-1));
	const b = outputOf(runsOf(data, 'Isolate B').at(-1));
	const tasks = await t.tasksOf();
	const ok = (items) => items.every((it) => it.json.status === 'COMPLETED' && it.json.task_id);
	t.check(
		status === 'success' && a.length === 30 && b.length === 5 && ok(a) && ok(b),
		'two Isolate nodes in a row (30, then 5 items): both waits resume with their tasks',
		`${status}; A ${a.length} items, B ${b.length} items; ${tasks.length} creates`,
	);
	const ids = new Set(tasks.map((task) => task.id));
	t.check(
		tasks.length === 35 && [...a, ...b].every((it) => ids.has(it.json.task_id)),
		'two Isolate nodes in a row: 35 creates, every task on an output item',
		`${tasks.length} creates`,
	);
}

async function loop(t) {
	await t.sim.reset();
	const { status, data } = await runToEnd(t, 'loop', described(40, 'loop', 8000));
	const runs = runsOf(data, 'Isolate').map((run) => outputOf(run));
	const tasks = await t.tasksOf();
	const seen = runs.flat().map((it) => it.json.task_id);
	t.check(
		status === 'success' &&
			runs.map((r) => r.length).join() === '30,10' &&
			runs.flat().every((it) => it.json.status === 'COMPLETED') &&
			tasks.length === 40 &&
			new Set(seen).size === 40,
		'Loop Over Items (40 items, batches of 30) around Resume on Webhook: 30 + 10 tasks resume, 40 creates',
		`${status}; runs ${runs.map((r) => r.length).join(' + ')}; ${tasks.length} creates`,
	);
}

async function errorOutput(t, key, label) {
	await t.sim.reset();
	const { status, data } = await runToEnd(t, key, [
		'ok [sim:duration=6000]',
		'bad [sim:fail] [sim:duration=6000]',
	]);
	const run = runsOf(data, 'Isolate').at(-1);
	const [success, errors] = [outputOf(run, 0), outputOf(run, 1)];
	const failed = (await t.tasksOf()).find((task) => task.outcome === 'FAILED');
	t.check(
		status === 'success' &&
			success.length === 1 &&
			success[0].json.status === 'COMPLETED' &&
			errors.length === 1 &&
			errors[0].json.details?.task_id === failed?.id &&
			errors[0].json.details?.status === 'FAILED' &&
			/FAILED/.test(errors[0].json.error),
		`On Error "Continue (using error output)", ${label}: the FAILED task on the error output with its task_id, only the COMPLETED one on the success output`,
		JSON.stringify({
			status,
			success: success.map((i) => i.json.status),
			errors: errors.map((i) => i.json),
		}).slice(0, 400),
	);
}

/** Runs the cases named in `only` ('tworow', 'loop', 'errout'). */
async function runAccountingCases(t, only) {
	if (only.includes('tworow')) await twoInARow(t);
	if (only.includes('loop')) await loop(t);
	if (only.includes('errout')) {
		await errorOutput(t, 'errWebhook', 'Resume on Webhook');
		await errorOutput(t, 'errPoll', 'Poll');
	}
}

module.exports = { accountingWorkflows: workflows, accountingWorkflowIds: IDS, runAccountingCases };
