// @ts-check
'use strict';
// Workflows and credentials of scripts/e2e-queue.js. Node types use the registry names
// (`n8n-nodes-freepik.*`); H.withTypePrefix rewrites them for a custom-folder install.
const crypto = require('node:crypto');
const H = require('../../harness/n8n-headless');

const CREDENTIAL = { id: 'fpQueueCred00001', name: 'Freepik (queue e2e simulator)' };

/** Stable ids: the same workflow ids, node ids and webhook ids on every run. */
const uuid = (seed) => {
	const h = crypto.createHash('sha256').update(`freepik-queue-e2e:${seed}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

function node(name, type, typeVersion, parameters, extra = {}) {
	return {
		id: uuid(`${extra.seed ?? ''}/${name}`),
		name,
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		...extra,
		seed: undefined,
	};
}

function chain(id, name, nodes, typePrefix) {
	const connections = {};
	nodes.slice(1).forEach((n, i) => {
		connections[nodes[i].name] = { main: [[{ node: n.name, type: 'main', index: 0 }]] };
	});
	const laidOut = nodes.map(({ seed, ...n }, i) => ({ ...n, position: [i * 240, 0] }));
	return H.withTypePrefix(
		{
			id,
			name,
			active: false,
			nodes: laidOut,
			connections,
			settings: {
				executionOrder: 'v1',
				saveDataSuccessExecution: 'all',
				saveDataErrorExecution: 'all',
			},
			pinData: {},
		},
		typePrefix,
	);
}

/** Simulated task duration (ms) of item i of batch k: deterministic, spread over [min, max]. */
const durationMs = (k, i, [min, max] = [1000, 3000]) =>
	min + (((k * 1000 + i) * 7919) % (max - min + 1));
const description = (k, i, range) =>
	`queue e2e batch ${k} item ${i} [sim:duration=${durationMs(k, i, range)}]`;

/**
 * Batch workflow k: Webhook (POST /webhook/<path>, answers at once) -> Code (N items) -> Freepik
 * Isolate (wait, poll every 1 s, download). `nodeOptions` go into the Isolate node's Tuning.
 */
function batchWorkflow(k, { items, typePrefix, nodeOptions = {}, taskMs = [1000, 3000] }) {
	const seed = `batch-${k}`;
	const path = `freepik-queue-batch-${k}`;
	const jsCode = [
		`const k = ${k};`,
		`return Array.from({ length: ${items} }, (_, i) => ({`,
		`\tjson: { batch: k, index: i, description: \`queue e2e batch \${k} item \${i} [sim:duration=\${${taskMs[0]} + (((k * 1000 + i) * 7919) % ${taskMs[1] - taskMs[0] + 1})}]\` },`,
		'}));',
	].join('\n');
	return {
		path,
		workflow: chain(
			`fpQueueBatch000${k}`,
			`queue e2e: batch ${k} (${items} isolate items)`,
			[
				node(
					'Webhook',
					'n8n-nodes-base.webhook',
					2,
					{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
					{ seed, webhookId: uuid(`${seed}/webhook`) },
				),
				node('Make items', 'n8n-nodes-base.code', 2, { jsCode }, { seed }),
				node(
					'Isolate',
					`${H.REGISTRY_PREFIX}freepik`,
					1,
					{
						resource: 'audioIsolation',
						operation: 'isolate',
						description: '={{ $json.description }}',
						inputType: 'audio',
						inputSource: 'url',
						url: `https://example.com/queue-e2e-batch-${k}.mp3`,
						waitForCompletion: true,
						downloadResult: true,
						options: { pollInterval: 1, maxWaitTime: 600 },
						tuning: nodeOptions,
					},
					{ seed, credentials: { freepikApi: CREDENTIAL } },
				),
			],
			typePrefix,
		),
	};
}

/**
 * Trigger workflow: Freepik Trigger (download result) -> Code that reads the binary back. The
 * trigger runs inside the main instance (it receives the webhook and downloads the WAV there); the
 * Code node runs on a worker, so reading the bytes proves the binary-data mode works across processes.
 */
function triggerWorkflow({ typePrefix }) {
	const seed = 'trigger';
	const webhookId = uuid(`${seed}/webhook`);
	const jsCode = [
		'const out = [];',
		'const items = $input.all();',
		'for (let i = 0; i < items.length; i++) {',
		'\tconst item = items[i];',
		"\tconst buf = await this.helpers.getBinaryDataBuffer(i, 'data');",
		'\tout.push({ json: {',
		'\t\ttask_id: item.json.task_id, status: item.json.status, webhookId: item.json.webhookId,',
		"\t\tbytes: buf.length, magic: buf.subarray(0, 4).toString('latin1') + '/' + buf.subarray(8, 12).toString('latin1'),",
		'\t\tbinaryId: (item.binary && item.binary.data && item.binary.data.id) || null,',
		'\t\tfileName: (item.binary && item.binary.data && item.binary.data.fileName) || null,',
		'\t} });',
		'}',
		'return out;',
	].join('\n');
	return {
		webhookId,
		path: `${webhookId}/freepik`,
		workflow: chain(
			'fpQueueTrigger01',
			'queue e2e: on Freepik event',
			[
				node(
					'Freepik Trigger',
					`${H.REGISTRY_PREFIX}freepikTrigger`,
					1,
					{
						events: ['COMPLETED', 'FAILED'],
						downloadResult: true,
						outputBinaryPropertyName: 'data',
						options: { toleranceSeconds: 300 },
					},
					{ seed, webhookId, credentials: { freepikApi: CREDENTIAL } },
				),
				node('Check binary', 'n8n-nodes-base.code', 2, { jsCode }, { seed }),
			],
			typePrefix,
		),
	};
}

/**
 * The two workflows of the wait-mode comparison, one per Wait Mode ('poll', 'webhook'): Webhook
 * (POST /webhook/<path> with `{ "d": <description> }`, answers at once) -> Freepik Isolate of one
 * item (wait, download; the node's default options but Max Wait Time). Resolves [{ mode, path, workflow }].
 */
function waitModeWorkflows({ typePrefix }) {
	return ['poll', 'webhook'].map((mode) => {
		const seed = `mode-${mode}`;
		const path = `freepik-queue-mode-${mode}`;
		return {
			mode,
			path,
			workflow: chain(
				mode === 'poll' ? 'fpQueueModePoll1' : 'fpQueueModeHook1',
				`queue e2e: one item, Wait Mode ${mode === 'poll' ? 'Poll' : 'Resume on Webhook'}`,
				[
					node(
						'Webhook',
						'n8n-nodes-base.webhook',
						2,
						{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
						{ seed, webhookId: uuid(`${seed}/webhook`) },
					),
					node(
						'Isolate',
						`${H.REGISTRY_PREFIX}freepik`,
						1,
						{
							resource: 'audioIsolation',
							operation: 'isolate',
							description: '={{ $json.body.d }}',
							inputType: 'audio',
							inputSource: 'url',
							url: `https://example.com/queue-e2e-${mode}.mp3`,
							waitForCompletion: true,
							waitMode: mode,
							downloadResult: true,
							options: { maxWaitTime: 600 },
						},
						// The webhookId names the resume webhook (/webhook-waiting/<execution>/...).
						{ seed, webhookId: uuid(`${seed}/isolate`), credentials: { freepikApi: CREDENTIAL } },
					),
				],
				typePrefix,
			),
		};
	});
}

module.exports = {
	CREDENTIAL,
	batchWorkflow,
	triggerWorkflow,
	waitModeWorkflows,
	description,
	durationMs,
};
