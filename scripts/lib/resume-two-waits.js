'use strict';
/**
 * The invariant matrix's row that needs n8n's own waiting executions (issue 22 bug 1): two Resume
 * on Webhook waits in one execution, the second smaller than the first. Webhook → Split Out (30
 * items) → Isolate → Limit (5) → Isolate 2, both Isolate nodes with Wait Mode "Resume on Webhook".
 * Checked under `n8n start` by scripts/e2e-resume.js (E2E_RESUME_ONLY=twowaits runs it alone).
 */
const crypto = require('node:crypto');

const TWO_WAITS_ID = 'fpResumeTwoWaits';
const TWO_WAITS_PATH = 'freepik-resume-two-waits-e2e';
const FIRST = 30;
const SECOND = 5;

const uuid = (seed) => {
	const h = crypto.createHash('sha256').update(`two-waits ${seed}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

function isolate(name, description, registryPrefix, credential) {
	return {
		id: uuid(name),
		name,
		type: `${registryPrefix}freepik`,
		typeVersion: 1,
		parameters: {
			resource: 'audioIsolation',
			operation: 'isolate',
			description,
			inputType: 'audio',
			inputSource: 'url',
			url: 'https://example.com/resume-two-waits.mp3',
			waitForCompletion: true,
			waitMode: 'webhook',
			downloadResult: true,
			options: { maxWaitTime: 900 },
		},
		credentials: { freepikApi: credential },
		webhookId: uuid(`${name} webhook`),
	};
}

/** The workflow, as imported (then published). */
function twoWaitsWorkflow(registryPrefix, credential) {
	const nodes = [
		{
			id: uuid('start'),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			parameters: { httpMethod: 'POST', path: TWO_WAITS_PATH, responseMode: 'onReceived' },
			webhookId: uuid('start webhook'),
		},
		{
			id: uuid('split'),
			name: 'Split Out',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'body.items', options: {} },
		},
		isolate('Isolate', '={{ "two waits p1 item " + $itemIndex }}', registryPrefix, credential),
		{
			id: uuid('limit'),
			name: 'Limit',
			type: 'n8n-nodes-base.limit',
			typeVersion: 1,
			parameters: { maxItems: SECOND },
		},
		isolate('Isolate 2', '={{ "two waits p2 item " + $itemIndex }}', registryPrefix, credential),
	].map((n, i) => ({ ...n, position: [i * 240, 0] }));
	const connections = {};
	nodes
		.slice(1)
		.forEach(
			(n, i) =>
				(connections[nodes[i].name] = { main: [[{ node: n.name, type: 'main', index: 0 }]] }),
		);
	return {
		id: TWO_WAITS_ID,
		name: 'resume e2e: two waits in one execution (30, then 5 items)',
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

const outputOf = (data, node) => data?.resultData?.runData?.[node]?.at(-1)?.data?.main?.[0] ?? [];

/**
 * The row's invariants on the ended execution: it succeeded; each pass's items are its tasks,
 * COMPLETED with their WAV; every task the simulator created is in exactly one output item (or the
 * error); none was created twice. Returns [ok, what, detail] triples for the suite's check().
 */
function twoWaitsChecks({ status, data, tasks }) {
	const first = outputOf(data, 'Isolate');
	const second = outputOf(data, 'Isolate 2');
	const done = (items, count) =>
		items.length === count &&
		items.every((it) => it.json.status === 'COMPLETED' && it.binary?.data && it.json.task_id);
	const errorText = JSON.stringify(data?.resultData?.error ?? '');
	const seen = tasks.map(
		(t) =>
			[...first, ...second].filter((it) => it.json.task_id === t.id).length +
			(errorText.includes(t.id) ? 1 : 0),
	);
	const descriptions = tasks.map((t) => t.description ?? t.body?.description);
	return [
		[
			status === 'success' && done(first, FIRST) && done(second, SECOND),
			`two waits: ${FIRST} items wait and resume, then ${SECOND} wait and resume in the same execution, all COMPLETED with their WAV`,
			`${status}; Isolate ${first.length}, Isolate 2 ${second.length}; ${String(data?.resultData?.error?.message ?? '')}`,
		],
		[
			tasks.length === FIRST + SECOND &&
				seen.every((n) => n === 1) &&
				new Set(descriptions).size === descriptions.length,
			'two waits: every task the simulator created is in exactly one output item, none created twice',
			`${tasks.length} tasks; seen ${JSON.stringify(seen.filter((n) => n !== 1))} not once`,
		],
	];
}

module.exports = { TWO_WAITS_ID, TWO_WAITS_PATH, FIRST, twoWaitsWorkflow, twoWaitsChecks };
