// @ts-check
'use strict';
// End-to-end: the packed package inside a real headless n8n, talking to the Freepik simulator.
// Run with `node scripts/e2e.js` (N8N_LINE=1 for n8n 1.x). Every case is one workflow; all of them
// are imported by one n8n process up front, then each is run by `n8n execute` (~2 s of startup each).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const H = require('../../harness/n8n-headless');
const { isWav, toneWav } = require('../../simulator/wav');
const E = require('./harness');

const cases = [];
/**
 * Declare a case: build(ctx) returns its nodes (and optional edges), check(run, ctx) asserts.
 * simConfig: simulator options for this case only (restored afterwards).
 */
/**
 * @param {string} name
 * @param {any} build
 * @param {any} check
 * @param {{ timeoutMs?: number, simConfig?: object }} [options]
 */
function e2e(name, build, check, { timeoutMs = 90e3, simConfig } = {}) {
	const id = `fpE2eCase${String(cases.length + 1).padStart(2, '0')}00000`;
	cases.push({ id, name, build, check, timeoutMs, simConfig });
}

let ctx;

beforeAll(async () => {
	ctx = await E.setup();
	const t = Date.now();
	await ctx.n8n.importWorkflows(
		cases.map((c) => {
			const { nodes, edges, workflow } = c.build(ctx);
			if (workflow) return H.withTypePrefix({ ...workflow, id: c.id }, ctx.typePrefix);
			return E.workflow(c.id, `e2e: ${c.name}`, nodes, edges, ctx.typePrefix);
		}),
	);
	ctx.timings.importWorkflows = Date.now() - t;
	console.error(
		`[e2e] n8n ${ctx.runtime.version}, type prefix ${ctx.typePrefix}, setup timings (ms): ${JSON.stringify(ctx.timings)}`,
	);
});

afterAll(async () => {
	if (ctx) await ctx.teardown();
});

// ---------------------------------------------------------------- helpers for checks

const items = (run, nodeName) => {
	const list = H.nodeItems(run.output, nodeName);
	assert.ok(list, `node "${nodeName}" did not run.\n${describeRun(run)}`);
	return list;
};

function describeRun(run) {
	const err = H.executionError(run.output);
	return `exit ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}; error: ${err ? `${err.message} | ${err.description ?? ''}` : 'none'}\n--- stderr ---\n${run.stderr.slice(-2000)}\n--- stdout (end) ---\n${run.stdout.slice(-3000)}`;
}

function assertSucceeded(run) {
	assert.ok(H.executionSucceeded(run), `workflow failed: ${describeRun(run)}`);
	assert.ok(run.output, 'no execution JSON in the output');
}

/** The key must only ever travel in the x-freepik-api-key header to the API host. */
function assertNoKeyLeak(run) {
	for (const key of [E.SIM_KEY, E.BAD_KEY]) {
		assert.ok(
			!run.stdout.includes(key) && !run.stderr.includes(key),
			`an API key appears in n8n's output`,
		);
	}
}

async function simRequests(server, route) {
	return (await ctx.sim.requests()).filter(
		(r) => (!server || r.server === server) && (!route || r.route === route),
	);
}

const header = (r, name) => r.headers[name.toLowerCase()];

// ---------------------------------------------------------------- cases

e2e(
	'isolate from a URL, wait and download: the WAV arrives, the file host never sees the key',
	() => ({
		nodes: [
			E.start(),
			E.freepik('Isolate', {
				operation: 'isolate',
				description: 'A person speaking',
				inputType: 'audio',
				inputSource: 'url',
				url: 'https://example.com/speech.wav',
				waitForCompletion: true,
				downloadResult: true,
				options: { pollInterval: 1, maxWaitTime: 60 },
			}),
			E.writeFile('Write', path.join(ctx.io, 'url-result.wav')),
		],
	}),
	async (run) => {
		assertSucceeded(run);
		const [item] = items(run, 'Isolate');
		assert.equal(item.json.status, 'COMPLETED');
		assert.match(item.json.task_id, /^[0-9a-f-]{36}$/);
		assert.ok(item.binary?.data, 'no binary "data" on the output item');
		assert.match(item.binary.data.mimeType, /wav/);
		// n8n 2.x keeps binary data on disk by default and 3.0 drops the in-memory mode: the result must land there.
		if (ctx.runtime.major >= 2)
			assert.match(
				String(item.binary.data.id),
				/^filesystem/,
				'result not in filesystem binary mode',
			);
		assert.ok(
			isWav(fs.readFileSync(path.join(ctx.io, 'url-result.wav'))),
			'written file is not a WAV',
		);

		const [create] = await simRequests('api', 'create');
		assert.deepEqual(create.body, {
			description: 'A person speaking',
			audio: 'https://example.com/speech.wav',
		});
		for (const r of await simRequests('api'))
			assert.equal(header(r, 'x-freepik-api-key'), E.SIM_KEY);
		const downloads = await simRequests('file');
		assert.ok(downloads.length >= 1, 'the result was not downloaded from the file host');
		for (const r of downloads)
			assert.equal(header(r, 'x-freepik-api-key'), undefined, 'API key sent to the file host');
		assertNoKeyLeak(run);
	},
);

const inputWav = toneWav({ seconds: 1, freq: 330 });
e2e(
	'isolate binary read by Read/Write File: Freepik receives exactly the file',
	() => {
		fs.writeFileSync(path.join(ctx.io, 'input.wav'), inputWav);
		return {
			nodes: [
				E.start(),
				E.readFile('Read', path.join(ctx.io, 'input.wav')),
				E.freepik('Isolate', {
					operation: 'isolate',
					description: 'A person speaking',
					inputType: 'audio',
					inputSource: 'binary',
					binaryPropertyName: 'data',
					waitForCompletion: true,
					downloadResult: true,
					options: { pollInterval: 1, maxWaitTime: 60 },
				}),
			],
		};
	},
	async (run) => {
		assertSucceeded(run);
		const [item] = items(run, 'Isolate');
		assert.equal(item.json.status, 'COMPLETED');
		assert.ok(item.binary?.data, 'no binary result');
		const [create] = await simRequests('api', 'create');
		assert.equal(
			create.input?.sha256,
			E.sha256(inputWav),
			`simulator received other bytes: ${JSON.stringify(create.input)}`,
		);
		assert.equal(create.input?.bytes, inputWav.length);
	},
);

e2e(
	'video with bounding box and options: the exact JSON body is sent',
	() => ({
		nodes: [
			E.start(),
			E.freepik('Isolate video', {
				operation: 'isolate',
				description: 'The guitar on the left',
				inputType: 'video',
				inputSource: 'url',
				url: 'https://example.com/clip.mp4',
				waitForCompletion: false,
				options: {
					x1: 10,
					y1: 20,
					x2: 300,
					y2: 400,
					sampleFps: 3,
					rerankingCandidates: 4,
					predictSpans: true,
				},
			}),
		],
	}),
	async (run) => {
		assertSucceeded(run);
		const creates = await simRequests('api', 'create');
		assert.equal(creates.length, 1);
		assert.deepEqual(creates[0].body, {
			description: 'The guitar on the left',
			video: 'https://example.com/clip.mp4',
			x1: 10,
			y1: 20,
			x2: 300,
			y2: 400,
			sample_fps: 3,
			reranking_candidates: 4,
			predict_spans: true,
		});
		assert.equal(header(creates[0], 'content-type')?.split(';')[0], 'application/json');
	},
);

e2e(
	'no wait: returns CREATED at once and never polls',
	() => ({
		nodes: [
			E.start(),
			E.freepik('Isolate', {
				operation: 'isolate',
				description: 'A person speaking [sim:duration=60000]',
				inputType: 'audio',
				inputSource: 'url',
				url: 'https://example.com/speech.wav',
				waitForCompletion: false,
			}),
		],
	}),
	async (run) => {
		assertSucceeded(run);
		const [item] = items(run, 'Isolate');
		assert.equal(item.json.status, 'CREATED');
		assert.match(item.json.task_id, /^[0-9a-f-]{36}$/);
		assert.equal(
			(await simRequests('api', 'get')).length,
			0,
			'the node polled although it should not wait',
		);
		assert.equal((await simRequests('file')).length, 0);
	},
);

e2e(
	'get (wait + download) and get many find the task created by isolate',
	() => ({
		nodes: [
			E.start(),
			E.freepik('Isolate', {
				operation: 'isolate',
				description: 'A person speaking [sim:duration=1500]',
				inputType: 'audio',
				inputSource: 'url',
				url: 'https://example.com/speech.wav',
				waitForCompletion: false,
			}),
			E.freepik('Get', {
				operation: 'get',
				taskId: '={{ $json.task_id }}',
				waitForCompletion: true,
				downloadResult: true,
				options: { pollInterval: 1, maxWaitTime: 60 },
			}),
			E.freepik('List', { operation: 'getAll', returnAll: true }),
		],
	}),
	async (run) => {
		assertSucceeded(run);
		const [created] = items(run, 'Isolate');
		const [got] = items(run, 'Get');
		assert.equal(got.json.task_id, created.json.task_id);
		assert.equal(got.json.status, 'COMPLETED');
		assert.ok(got.binary?.data, 'Get did not download the result');
		const listed = items(run, 'List').map((i) => i.json);
		assert.ok(
			listed.some((t) => t.task_id === created.json.task_id && t.status === 'COMPLETED'),
			`task not in the list: ${JSON.stringify(listed)}`,
		);
		assert.ok((await simRequests('api', 'list')).length >= 1);
	},
);

e2e(
	'Magnific key header (API Host Custom at the simulator): the key travels only as x-magnific-api-key',
	() => ({
		nodes: [
			E.start(),
			E.freepik(
				'Isolate',
				{
					operation: 'isolate',
					description: 'A person speaking',
					inputType: 'audio',
					inputSource: 'url',
					url: 'https://example.com/speech.wav',
					waitForCompletion: true,
					downloadResult: true,
					options: { pollInterval: 1 },
				},
				{ credential: 'magnific' },
			),
		],
	}),
	async (run) => {
		assertSucceeded(run);
		const [item] = items(run, 'Isolate');
		assert.equal(item.json.status, 'COMPLETED');
		const api = await simRequests('api');
		assert.ok(
			api.some((r) => r.route === 'create') && api.some((r) => r.route === 'get'),
			'create and get expected',
		);
		for (const r of api) {
			assert.equal(
				header(r, 'x-magnific-api-key'),
				E.SIM_KEY,
				`${r.method} ${r.path} without the Magnific header`,
			);
			assert.equal(
				header(r, 'x-freepik-api-key'),
				undefined,
				`${r.method} ${r.path} also carried x-freepik-api-key`,
			);
		}
		const files = await simRequests('file');
		assert.ok(files.length > 0, 'the result was not downloaded');
		for (const r of files)
			assert.deepEqual(
				[header(r, 'x-magnific-api-key'), header(r, 'x-freepik-api-key')],
				[undefined, undefined],
			);
		assertNoKeyLeak(run);
	},
	{ simConfig: { keyHeader: 'x-magnific-api-key' } },
);

e2e(
	'bad API key: the run fails with a clear message and the key is never printed',
	() => ({
		nodes: [
			E.start(),
			E.freepik(
				'Isolate',
				{
					operation: 'isolate',
					description: 'A person speaking',
					inputType: 'audio',
					inputSource: 'url',
					url: 'https://example.com/speech.wav',
					waitForCompletion: true,
				},
				{ credential: 'bad' },
			),
		],
	}),
	async (run) => {
		assert.notEqual(run.exitCode, 0, 'the run should fail');
		const err = H.executionError(run.output);
		assert.ok(err, `no execution error recorded: ${describeRun(run)}`);
		const text = `${err.message} ${err.description ?? ''}`;
		assert.match(text, /api key/i, `error does not mention the API key: ${text}`);
		assert.match(
			text,
			/invalid|wrong|rejected|401/i,
			`error does not say the key is invalid: ${text}`,
		);
		assertNoKeyLeak(run);
		assert.equal((await simRequests('api', 'create'))[0]?.status, 401);
	},
);

e2e(
	'continue on fail: a FAILED task and a timed-out wait keep their task_id in the output',
	() => {
		const isolate = (name, description, options) =>
			E.freepik(
				name,
				{
					operation: 'isolate',
					description,
					inputType: 'audio',
					inputSource: 'url',
					url: 'https://example.com/speech.wav',
					waitForCompletion: true,
					downloadResult: true,
					options: { pollInterval: 1, ...options },
				},
				{ onError: 'continueRegularOutput' },
			);
		return {
			nodes: [
				E.start(),
				isolate('Fails', 'A person speaking [sim:fail]', { maxWaitTime: 60 }),
				isolate('Never ends', 'A person speaking [sim:never]', { maxWaitTime: 2 }),
			],
			edges: [
				['Start', 'Fails'],
				['Start', 'Never ends'],
			],
		};
	},
	async (run) => {
		assertSucceeded(run);
		const creates = await simRequests('api', 'create');
		const taskOf = (hint) => creates.find((r) => r.body?.description?.includes(hint))?.taskId;

		const [failed] = items(run, 'Fails');
		assert.equal(
			failed.json.task_id,
			taskOf('[sim:fail]'),
			`FAILED item: ${JSON.stringify(failed.json)}`,
		);
		assert.equal(failed.json.status, 'FAILED');
		assert.ok(failed.json.error, 'FAILED item carries no error');

		const [timedOut] = items(run, 'Never ends');
		assert.equal(
			timedOut.json.task_id,
			taskOf('[sim:never]'),
			`timeout item: ${JSON.stringify(timedOut.json)}`,
		);
		assert.match(JSON.stringify(timedOut.json.error ?? ''), /did not finish within/i);
	},
);

e2e(
	'batch: 5 items from a Code node give 5 outputs in input order',
	() => ({
		nodes: [
			E.start(),
			// Later items finish first, so output order cannot come from completion order.
			E.code(
				'Five files',
				'return [0, 1, 2, 3, 4].map((n) => ({ json: { n, url: `https://example.com/clip-${n}.wav`, duration: (5 - n) * 300 } }));',
			),
			E.freepik('Isolate', {
				operation: 'isolate',
				description: '={{ "voice " + $json.n + " [sim:duration=" + $json.duration + "]" }}',
				inputType: 'audio',
				inputSource: 'url',
				url: '={{ $json.url }}',
				waitForCompletion: true,
				downloadResult: true,
				options: { pollInterval: 1, maxWaitTime: 60 },
			}),
		],
	}),
	async (run) => {
		assertSucceeded(run);
		const out = items(run, 'Isolate');
		assert.equal(out.length, 5);
		const creates = await simRequests('api', 'create');
		assert.equal(creates.length, 5);
		out.forEach((item, n) => {
			const create = creates.find((r) => r.body?.audio === `https://example.com/clip-${n}.wav`);
			assert.equal(item.json.task_id, create?.taskId, `output ${n} is not the task of input ${n}`);
			assert.equal(item.json.status, 'COMPLETED');
			assert.ok(item.binary?.data, `output ${n} has no WAV`);
			const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
			assert.equal(paired?.item, n);
		});
	},
);

e2e(
	'Retry On Fail, 4 items, one FAILED, Max Tries 3: good items created once, every task id named',
	() => ({
		nodes: [
			E.start(),
			E.code(
				'Four files',
				'const hint = (n) => (n === 3 ? "[sim:fail] [sim:duration=300]" : "[sim:duration=2500]");\n' +
					'return [0, 1, 2, 3].map((n) => ({ json: { n, hint: hint(n) } }));',
			),
			E.freepik(
				'Isolate',
				{
					operation: 'isolate',
					description: '={{ "voice " + $json.n + " " + $json.hint }}',
					inputType: 'audio',
					inputSource: 'url',
					url: '={{ "https://example.com/clip-" + $json.n + ".wav" }}',
					waitForCompletion: true,
					downloadResult: true,
					options: { pollInterval: 1, maxWaitTime: 60 },
				},
				{ retryOnFail: true, maxTries: 3, waitBetweenTries: 100 },
			),
		],
	}),
	async (run) => {
		assert.notEqual(run.exitCode, 0, 'the run should fail (item 3 FAILS on every try)');
		const creates = (await simRequests('api', 'create')).filter((r) => r.taskId);
		const idsOf = (n) =>
			creates
				.filter((r) => r.body?.audio === `https://example.com/clip-${n}.wav`)
				.map((r) => r.taskId);
		const perItem = [0, 1, 2, 3].map((n) => idsOf(n).length);
		console.error(`[e2e] Retry On Fail: creates per item ${JSON.stringify(perItem)}`);
		assert.deepEqual(perItem, [1, 1, 1, 3], 'creates per item');
		const err = H.executionError(run.output);
		assert.ok(err, `no execution error recorded: ${describeRun(run)}`);
		const [first, second, last] = idsOf(3);
		assert.match(err.message, new RegExp(`Freepik task ${last} FAILED`));
		assert.ok(
			err.message.includes(`earlier tries created: ${first}, ${second}`),
			`the error does not name the earlier tries' tasks: ${err.message}`,
		);
		const text = `${err.message}\n${err.description ?? ''}`;
		for (const { taskId } of creates)
			assert.ok(text.includes(taskId), `task ${taskId} is not named by the error: ${text}`);
	},
);

e2e(
	'examples/batch-isolate-list.json runs as shipped (credential and output folder swapped)',
	() => {
		const wf = JSON.parse(
			fs.readFileSync(path.join(H.REPO, 'examples', 'batch-isolate-list.json'), 'utf8'),
		);
		for (const n of wf.nodes) {
			if (n.credentials?.freepikApi) n.credentials.freepikApi = E.CREDENTIALS.good;
			if (n.type === 'n8n-nodes-freepik.freepik') n.parameters.options.pollInterval = 1;
			if (n.name === 'Save each WAV')
				n.parameters.fileName = n.parameters.fileName.replace(
					'/home/node/.n8n-files/freepik',
					ctx.io,
				);
		}
		return { workflow: wf };
	},
	async (run) => {
		assertSucceeded(run);
		const saved = items(run, 'Save each WAV');
		assert.equal(saved.length, 3);
		for (const item of saved)
			assert.ok(isWav(fs.readFileSync(item.json.fileName)), `${item.json.fileName} is not a WAV`);
	},
);

/** Custom API Call: n8n's HTTP Request node with Predefined Credential Type → Freepik API. */
const httpWithCredential = (url) =>
	E.node(
		'Custom API Call',
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'GET',
			url,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'freepikApi',
			options: {},
		},
		{ credentials: { freepikApi: E.CREDENTIALS.good } },
	);

e2e(
	'Custom API Call: HTTP Request with the Freepik API credential lists tasks, key in its header',
	() => ({ nodes: [E.start(), httpWithCredential(`${ctx.sim.apiUrl}/v1/ai/audio-isolation`)] }),
	async (run) => {
		assertSucceeded(run);
		const [item] = items(run, 'Custom API Call');
		assert.ok(Array.isArray(item.json.data), `no task list: ${JSON.stringify(item.json)}`);
		const lists = await simRequests('api', 'list');
		assert.equal(lists.length, 1);
		assert.equal(header(lists[0], 'x-freepik-api-key'), E.SIM_KEY);
		assertNoKeyLeak(run);
	},
);

e2e(
	'Custom API Call: a URL on another origin fails before sending; the key goes nowhere',
	() => ({ nodes: [E.start(), httpWithCredential(`${ctx.sim.fileUrl}/v1/ai/audio-isolation`)] }),
	async (run) => {
		assert.notEqual(run.exitCode, 0, 'the request to another origin succeeded');
		assert.match(describeRun(run), /only sent to the credential's host/);
		assert.deepEqual(await simRequests(), []);
		assertNoKeyLeak(run);
	},
);

test('examples use node types and versions that this n8n and this package provide', () => {
	const nodeModules = path.resolve(path.dirname(ctx.runtime.n8nBin), '..', '..');
	const base = require(path.join(nodeModules, 'n8n-nodes-base', 'dist', 'types', 'nodes.json'));
	const known = new Map([
		[`${H.REGISTRY_PREFIX}freepik`, [1]],
		[`${H.REGISTRY_PREFIX}freepikTrigger`, [1]],
	]);
	// The tool variant n8n makes of a usableAsTool node (examples/agent-isolate.json).
	known.set(`${H.REGISTRY_PREFIX}freepikTool`, [1]);
	const langchain = require(
		path.join(nodeModules, '@n8n', 'n8n-nodes-langchain', 'dist', 'types', 'nodes.json'),
	);
	// Both packages list some nodes once per major version: collect all versions.
	for (const [prefix, list] of [
		['n8n-nodes-base.', base],
		['@n8n/n8n-nodes-langchain.', langchain],
	]) {
		for (const d of list) {
			const type = `${prefix}${d.name}`;
			known.set(type, [...(known.get(type) ?? []), ...[d.version].flat()]);
		}
	}
	const dir = path.join(H.REPO, 'examples');
	// Built with node versions that n8n 1.x does not have (AI Agent 3.1, FTP 1.1): 2.x only.
	const needsN8n2 = new Set(['agent-isolate.json', 'chain-isolate-sftp.json']);
	const onN8n1 = ctx.runtime.major < 2;
	for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
		if (onN8n1 && needsN8n2.has(file)) continue;
		const wf = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
		for (const n of wf.nodes) {
			assert.ok(known.has(n.type), `${file}: unknown node type ${n.type}`);
			assert.ok(
				/** @type {number[]} */ (known.get(n.type)).includes(n.typeVersion),
				`${file}: ${n.type} has no version ${n.typeVersion} in n8n ${ctx.runtime.version}`,
			);
		}
		for (const [from, outputs] of Object.entries(wf.connections)) {
			const names = new Set(wf.nodes.map((n) => n.name));
			assert.ok(names.has(from), `${file}: connection from unknown node ${from}`);
			for (const c of Object.values(outputs).flat(2))
				assert.ok(names.has(c.node), `${file}: connection to unknown node ${c.node}`);
		}
	}
});

// ---------------------------------------------------------------- run

for (const c of cases) {
	test(
		c.name,
		async () => {
			await ctx.sim.reset();
			if (c.simConfig) await ctx.sim.config(c.simConfig);
			try {
				const run = await ctx.n8n.execute(c.id, { timeoutMs: c.timeoutMs });
				await c.check(run, ctx);
			} finally {
				if (c.simConfig) await ctx.sim.resetOptions();
			}
		},
		c.timeoutMs + 30e3,
	);
}
