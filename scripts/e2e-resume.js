#!/usr/bin/env node
// @ts-check
'use strict';
// npm run e2e:resume — Isolate with Wait Mode "Resume on Webhook" in a real n8n 2.40.7 under
// `n8n start` (loopback only). A published workflow (Webhook → Split Out → Freepik Isolate) is
// started through its production webhook; the project's simulator plays Freepik and calls the
// execution's resume URL back with signed webhooks. Checks:
//  1. one item: the execution is `waiting` within 5 s with 0 polls, resumes on the callback, ends
//     with the task and its WAV; API requests = 1 per task;
//  2. a batch of 10 with mixed durations: 10 outputs in input order with WAVs, ≤ 2 requests per task;
//  3. forged, stale and wrong-token callbacks: 401, the execution still waits;
//  4. deadline: examples/resume-on-webhook-recover.json with Max Wait Time 5 s and every callback
//     lost: n8n resumes the execution at its deadline without running the node (its input items
//     pass through), the IF on task_id takes the recovery branch, the Code node reads the task ids
//     from the execution's custom data and Get ends with both tasks and their WAVs;
//  5. restart: n8n is SIGKILLed while 5 executions wait, started again, every execution completes
//     (callbacks that failed while n8n was down are delivered again, as Freepik retries them).
// Everything is stopped at the end. E2E_KEEP=1 keeps the temporary folder.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const H = require('../harness/n8n-headless');
/** @typedef {NonNullable<import('../harness/n8n-headless').N8n['server']>} N8nServer */
const { flattedParser } = require('./lib/queue-mode');
const {
	accountingWorkflows,
	accountingWorkflowIds,
	runAccountingCases,
} = require('./lib/resume-accounting');

const SIM_KEY = 'resume-e2e-sim-key-5c1e77a0';
const WEBHOOK_SECRET = 'resume-e2e-webhook-secret';
const OWNER = { email: 'owner@example.com', password: 'Resume-e2e-Passw0rd' };
const CREDENTIAL = { id: 'fpResumeCred0001', name: 'Freepik (simulator)' };
const WORKFLOW_ID = 'fpResumeE2E00001';
const START_PATH = 'freepik-resume-e2e';
const log = (...a) => console.error('[e2e:resume]', ...a);

const checks = [];
function check(ok, what, detail = '') {
	checks.push({ ok: !!ok, what });
	console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? ` — ${detail}` : ''}`);
	return !!ok;
}

const uuid = (seed) => {
	const h = crypto.createHash('sha256').update(seed).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

function workflow() {
	const node = (name, type, typeVersion, parameters, extra = {}) => ({
		id: uuid(name),
		name,
		type,
		typeVersion,
		parameters,
		...extra,
	});
	const nodes = [
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			2,
			{ httpMethod: 'POST', path: START_PATH, responseMode: 'onReceived', options: {} },
			{ webhookId: uuid('start') },
		),
		node('Split Out', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.items', options: {} }),
		node(
			'Isolate',
			`${H.REGISTRY_PREFIX}freepik`,
			1,
			{
				resource: 'audioIsolation',
				operation: 'isolate',
				description: '={{ $json.d }}',
				inputType: 'audio',
				inputSource: 'url',
				url: 'https://example.com/resume-e2e.mp3',
				waitForCompletion: true,
				waitMode: 'webhook',
				downloadResult: true,
				options: { maxWaitTime: 900 },
			},
			{ credentials: { freepikApi: CREDENTIAL }, webhookId: uuid('isolate') },
		),
	].map((n, i) => ({ ...n, position: [i * 240, 0] }));
	const connections = {};
	nodes
		.slice(1)
		.forEach(
			(n, i) =>
				(connections[nodes[i].name] = { main: [[{ node: n.name, type: 'main', index: 0 }]] }),
		);
	return {
		id: WORKFLOW_ID,
		name: 'resume e2e: Webhook → Split Out → Freepik Isolate (Resume on Webhook)',
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

/** Logged-in access to n8n's REST API (executions). */
async function restClient(baseUrl, parse) {
	const login = await H.request(`${baseUrl}/rest/login`, {
		method: 'POST',
		body: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
	});
	if (login.status !== 200)
		throw new Error(`login failed: ${login.status} ${login.text.slice(0, 300)}`);
	const cookie = /** @type {string[]} */ ([])
		.concat(login.headers['set-cookie'] || [])
		.map((c) => c.split(';')[0])
		.join('; ');
	const get = async (p) => {
		const res = await H.request(`${baseUrl}${p}`, { headers: { cookie }, timeoutMs: 30e3 });
		if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${res.text.slice(0, 300)}`);
		return res.json.data;
	};
	return {
		/** Executions of a workflow, oldest first: { id, status }. */
		async executions(workflowId = WORKFLOW_ID) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const data = await get(`/rest/executions?filter=${filter}&limit=200`);
			return (data.results ?? data)
				.map((e) => ({ id: String(e.id), status: e.status }))
				.sort((a, b) => Number(a.id) - Number(b.id));
		},
		/** The execution's run data (parsed). */
		async runData(id) {
			const e = await get(`/rest/executions/${id}`);
			return typeof e.data === 'string' ? parse(e.data) : e.data;
		},
	};
}

async function waitUntil(what, probe, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe().catch(() => undefined);
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await H.sleep(250);
	}
}

async function newExecutions(rest, known, count, status, timeoutMs, workflowId = WORKFLOW_ID) {
	return await waitUntil(
		`${count} execution(s) ${status}`,
		async () => {
			const fresh = (await rest.executions(workflowId)).filter((e) => !known.has(e.id));
			return fresh.length >= count && fresh.every((e) => e.status === status) ? fresh : undefined;
		},
		timeoutMs,
	);
}

async function statusOf(rest, id, workflowId = WORKFLOW_ID) {
	return (await rest.executions(workflowId)).find((e) => e.id === id)?.status;
}

const RECOVER_PATH = 'freepik-resume-recover-e2e';
const RECOVER_MAX_WAIT_S = 5;

/**
 * examples/resume-on-webhook-recover.json as a user runs it: the credential filled in, and two
 * changes for a test: it starts from a Webhook of the same name (`n8n start` cannot click
 * "Execute workflow"), and the Isolate node's Max Wait Time is 5 s.
 */
function recoverWorkflow() {
	const file = path.join(H.REPO, 'examples', 'resume-on-webhook-recover.json');
	const wf = JSON.parse(fs.readFileSync(file, 'utf8'));
	for (const node of wf.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) node.credentials[type] = CREDENTIAL;
		if (node.type === 'n8n-nodes-base.manualTrigger')
			Object.assign(node, {
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				parameters: {
					httpMethod: 'POST',
					path: RECOVER_PATH,
					responseMode: 'onReceived',
					options: {},
				},
				webhookId: uuid('recover-start'),
			});
		if (node.parameters?.waitMode === 'webhook')
			node.parameters.options = { ...node.parameters.options, maxWaitTime: RECOVER_MAX_WAIT_S };
	}
	wf.settings = { ...wf.settings, saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };
	return wf;
}

/** The items of a node's last run (one output) in an execution's run data. */
const outputOf = (data, node, output = 0) =>
	data?.resultData?.runData?.[node]?.at(-1)?.data?.main?.[output] ?? [];

const isolateItems = (data) => data?.resultData?.runData?.Isolate?.at(-1)?.data?.main?.[0] ?? [];
const tasksOf = async (sim) => await H.request(`${sim.apiUrl}/__sim/tasks`).then((r) => r.json);
const deliveries = async (sim) =>
	await H.request(`${sim.apiUrl}/__sim/webhooks`).then((r) => r.json);

async function main() {
	const started = Date.now();
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'freepik-e2e-resume-'));
	let sim;
	let n8n;
	try {
		await H.ensureBuilt();
		const runtime = await H.provision({ line: '2' });
		log(`n8n ${runtime.version}`);
		if (runtime.major < 2) throw new Error('Resume on Webhook needs n8n 2.x');
		const parse = flattedParser(runtime);
		sim = await H.startSimulator([
			'--api-key',
			SIM_KEY,
			'--webhook-secret',
			WEBHOOK_SECRET,
			'--task-duration-ms',
			'2000',
		]);
		n8n = new H.N8n({ runtime, userFolder: path.join(tmp, 'user') });
		await H.packAndInstall(n8n.userFolder);
		await n8n.importCredentials([
			{
				...CREDENTIAL,
				type: 'freepikApi',
				data: {
					apiKey: SIM_KEY,
					apiHost: 'custom',
					baseUrl: sim.apiUrl,
					webhookSecret: WEBHOOK_SECRET,
				},
			},
		]);
		const recover = recoverWorkflow();
		const accounting = accountingWorkflows({
			uuid,
			credential: CREDENTIAL,
			prefix: H.REGISTRY_PREFIX,
		});
		await n8n.importWorkflows([workflow(), recover, ...accounting]);
		await n8n.publishWorkflow(WORKFLOW_ID);
		await n8n.publishWorkflow(recover.id);
		for (const id of Object.values(accountingWorkflowIds)) await n8n.publishWorkflow(id);
		const port = await H.freePort();
		let output = '';
		const startN8n = async () =>
			await n8n.start({
				port,
				timeoutMs: 600e3,
				onOutput: (d) => (output = (output + d).slice(-200000)),
			});
		await startN8n();
		await n8n.setupOwner(OWNER);
		const rest = await restClient(/** @type {N8nServer} */ (n8n.server).baseUrl, parse);
		const known = new Set();
		let items;
		let stats;
		let t0;
		const remember = (list) => list.forEach((e) => known.add(e.id));
		const fire = async (descriptions) => {
			const res = await n8n.callWebhook(START_PATH, {
				body: { items: descriptions.map((d) => ({ d })) },
			});
			if (res.status !== 200)
				throw new Error(`start webhook answered ${res.status}: ${res.text.slice(0, 300)}`);
		};

		const only = (
			process.env.E2E_RESUME_ONLY || 'one,batch,tworow,loop,errout,forged,deadline,restart'
		).split(',');
		// 1. one item
		if (only.includes('one')) {
			await sim.reset();
			t0 = Date.now();
			await fire(['one item [sim:duration=10000]']);
			const [one] = await newExecutions(rest, known, 1, 'waiting', 30e3);
			const waitingAfterMs = Date.now() - t0;
			// 5 s on an idle machine; a machine busy with other work (load above its core count) gets proportionally more.
			const load = os.loadavg()[0] / os.cpus().length;
			const waitingLimitMs = Math.round(5000 * Math.max(1, load));
			check(
				waitingAfterMs <= waitingLimitMs,
				`one item: the execution is waiting within 5 s of submit (× load ${Math.max(1, load).toFixed(1)})`,
				`${waitingAfterMs} ms`,
			);
			stats = await sim.stats();
			check(
				stats.creates === 1 && stats.gets === 0,
				'one item: while waiting, 1 create and 0 polls',
				JSON.stringify({ creates: stats.creates, gets: stats.gets }),
			);
			check(
				/resume URL .* is local/.test(output),
				'one item: n8n logs that the resume URL is local (WEBHOOK_URL needed for Freepik)',
			);
			await waitUntil(
				'the single-item execution to succeed',
				async () => (await statusOf(rest, one.id)) === 'success',
				60e3,
			);
			remember([one]);
			items = isolateItems(await rest.runData(one.id));
			const [task] = await tasksOf(sim);
			check(
				items.length === 1 &&
					items[0].json.task_id === task.id &&
					items[0].json.status === 'COMPLETED' &&
					items[0].binary?.data?.mimeType === 'audio/wav' &&
					items[0].pairedItem?.item === 0,
				'one item: resumed on the callback with the task and its WAV',
				JSON.stringify(items.map((i) => ({ ...i.json, binary: Object.keys(i.binary ?? {}) }))),
			);
			stats = await sim.stats();
			check(
				stats.creates + stats.gets === 1,
				'one item: API requests = 1 per task',
				`creates ${stats.creates}, gets ${stats.gets}, downloads ${stats.downloads}`,
			);
		}

		// 2. batch of 10, mixed durations
		if (only.includes('batch')) {
			await sim.reset();
			// Longer than n8n needs to save the waiting execution on a busy machine: a callback before that
			// gets 409 from n8n (Freepik retries it; the simulator does not).
			const durations = [19000, 12000, 16000, 13000, 24000, 14000, 18000, 12500, 22000, 15000];
			const descriptions = durations.map((ms, i) => `batch item ${i} [sim:duration=${ms}]`);
			t0 = Date.now();
			await fire(descriptions);
			const [batch] = await newExecutions(rest, known, 1, 'waiting', 30e3);
			const batchStatus = await waitUntil(
				'the batch execution to finish',
				async () => {
					const status = await statusOf(rest, batch.id);
					return ['success', 'error', 'crashed', 'canceled'].includes(status) ? status : undefined;
				},
				120e3,
			);
			check(
				batchStatus === 'success',
				'batch of 10: the execution resumes and succeeds',
				batchStatus,
			);
			remember([batch]);
			const batchMs = Date.now() - t0;
			items = isolateItems(await rest.runData(batch.id));
			const idByDescription = new Map((await tasksOf(sim)).map((t) => [t.body?.description, t.id]));
			const expected = descriptions.map((d) => idByDescription.get(d));
			check(
				items.length === 10 &&
					items.every(
						(it, i) =>
							it.json.task_id === expected[i] &&
							it.json.status === 'COMPLETED' &&
							it.binary?.data &&
							it.pairedItem?.item === i,
					),
				'batch of 10: 10 outputs in input order, each with its WAV',
				`${items.length} items in ${(batchMs / 1000).toFixed(1)} s (longest task ${Math.max(...durations) / 1000} s)`,
			);
			stats = await sim.stats();
			const perTask = (stats.creates + stats.gets) / 10;
			check(
				stats.creates === 10 && perTask <= 2,
				'batch of 10: at most 2 API requests per task',
				`${perTask.toFixed(1)} (creates ${stats.creates}, gets ${stats.gets})`,
			);
		}

		// Issue 22: two waits in one execution; On Error → error output.
		await runAccountingCases(
			{
				n8n,
				rest,
				sim,
				check,
				log,
				waitUntil,
				tasksOf: async () => await tasksOf(sim),
				deliveries: async () => await deliveries(sim),
				resend: async (d) =>
					await H.request(`${sim.apiUrl}/__sim/webhook`, {
						method: 'POST',
						body: { url: d.url, task: JSON.parse(d.body) },
					}),
			},
			only,
		);

		// 3. forged, stale, wrong-token callbacks
		if (only.includes('forged')) {
			await sim.reset();
			await fire(['long task [sim:duration=600000]']);
			const [long] = await newExecutions(rest, known, 1, 'waiting', 30e3);
			const [longTask] = await tasksOf(sim);
			const completed = { task_id: longTask.id, status: 'COMPLETED', generated: [] };
			const send = async (url, opts = {}) =>
				(
					await H.request(`${sim.apiUrl}/__sim/webhook`, {
						method: 'POST',
						body: { url, task: completed, ...opts },
					})
				).json;
			const wrongToken = new URL(longTask.webhookUrl);
			wrongToken.searchParams.set(
				'signature',
				'f'.repeat(/** @type {string} */ (wrongToken.searchParams.get('signature')).length),
			);
			const answers = {
				forged: (
					await send(longTask.webhookUrl, {
						signatureOverride: `v1,${crypto.randomBytes(32).toString('base64')}`,
					})
				).status,
				wrongSecret: (await send(longTask.webhookUrl, { secret: 'not-the-secret' })).status,
				stale: (
					await send(longTask.webhookUrl, { timestamp: Math.floor(Date.now() / 1000) - 3600 })
				).status,
				wrongToken: (await send(wrongToken.toString())).status,
			};
			check(
				Object.values(answers).every((s) => s === 401),
				'forged, wrong-secret, stale and wrong-token callbacks: 401',
				JSON.stringify(answers),
			);
			await H.sleep(1000);
			check(
				(await statusOf(rest, long.id)) === 'waiting',
				'after them the execution still waits, nothing fetched',
				`gets ${(await sim.stats()).gets}`,
			);
			remember([long]);
		}

		// 4. deadline: every callback lost, the recovery example picks the tasks up
		if (only.includes('deadline')) {
			await sim.reset();
			await sim.config({ dropWebhooks: true });
			t0 = Date.now();
			const res = await n8n.callWebhook(RECOVER_PATH, { body: {} });
			if (res.status !== 200)
				throw new Error(`recovery webhook answered ${res.status}: ${res.text.slice(0, 300)}`);
			const [rec] = await newExecutions(rest, new Set(), 1, 'waiting', 30e3, recover.id);
			// n8n looks for executions due to resume once a minute.
			const status = await waitUntil(
				'the recovery execution to end',
				async () => {
					const st = await statusOf(rest, rec.id, recover.id);
					return ['success', 'error', 'crashed', 'canceled'].includes(st) ? st : undefined;
				},
				150e3,
			);
			const endedAfterS = ((Date.now() - t0) / 1000).toFixed(1);
			await sim.config({ dropWebhooks: false });
			const data = await rest.runData(rec.id);
			const passed = outputOf(data, 'Isolate (resume on webhook)');
			// Both creates go out at once, so the simulator may see item 1 first: match by input URL.
			const idByAudio = new Map((await tasksOf(sim)).map((t) => [t.body?.audio, t.id]));
			const ids = passed.map((it) => idByAudio.get(it.json.url)).filter(Boolean);
			const dropped = (await deliveries(sim)).filter(
				(d) => d.error === 'dropped' && ['COMPLETED', 'FAILED'].includes(d.event),
			);
			check(
				status === 'success' && dropped.length === 2,
				`deadline: every callback lost, n8n resumes the execution at its deadline (Max Wait Time ${RECOVER_MAX_WAIT_S} s) and it succeeds`,
				`${status} ${endedAfterS} s after the start; ${dropped.length} final callbacks dropped`,
			);
			check(
				passed.length === 2 && passed.every((it) => it.json.task_id === undefined && it.json.url),
				'deadline: the Isolate node comes out with its input items, unchanged (no task_id)',
				JSON.stringify(passed.map((it) => it.json)).slice(0, 300),
			);
			const fromCustomData = outputOf(data, 'Task ids from custom data');
			check(
				ids.length === 2 && fromCustomData.map((it) => it.json.task_id).join() === ids.join(),
				"deadline: the example's Code node reads both task ids, in item order, from the execution's custom data",
				JSON.stringify(fromCustomData.map((it) => it.json)),
			);
			const got = outputOf(data, 'Get and wait (poll)');
			const results = outputOf(data, 'Results');
			stats = await sim.stats();
			check(
				got.length === 2 &&
					got.every(
						(it, i) =>
							it.json.task_id === ids[i] && it.json.status === 'COMPLETED' && it.binary?.data,
					) &&
					results.map((it) => it.json.task_id).join() === ids.join() &&
					stats.creates === 2,
				'deadline: the recovery branch gets the tasks by id and the workflow ends with both, COMPLETED with their WAV; no task created twice',
				`Get: ${JSON.stringify(got.map((it) => [it.json.task_id === ids[got.indexOf(it)], it.json.status, !!it.binary?.data]))}; Results ${results.length} items; creates ${stats.creates}, gets ${stats.gets}`,
			);
		}

		// 5. SIGKILL while 5 executions wait, restart
		if (only.includes('restart')) {
			await sim.reset();
			for (let i = 0; i < 5; i++) await fire([`restart ${i} [sim:duration=${15000 + i * 1500}]`]);
			const restartRuns = await newExecutions(rest, known, 5, 'waiting', 120e3);
			const child = /** @type {N8nServer} */ (n8n.server).child;
			process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL');
			await new Promise(
				/** @param {(value?: unknown) => void} resolve */ (resolve) =>
					child.exitCode !== null || child.signalCode !== null
						? resolve()
						: child.once('exit', resolve),
			);
			// typed so that TS does not keep n8n.server narrowed to undefined after startN8n() below
			n8n.server = /** @type {N8nServer | undefined} */ (undefined);
			log('n8n killed with 5 executions waiting');
			const downAt = Date.now();
			await startN8n();
			log(`n8n back after ${((Date.now() - downAt) / 1000).toFixed(1)} s`);
			const rest2 = await restClient(/** @type {N8nServer} */ (n8n.server).baseUrl, parse);
			// Freepik retries a callback that failed; the simulator does not, so resend the ones that did
			// (once n8n is back; the ones still to come arrive by themselves).
			const lost = (await deliveries(sim)).filter(
				(d) => d.event === 'COMPLETED' && d.status !== 200,
			);
			for (const d of lost)
				await H.request(`${sim.apiUrl}/__sim/webhook`, {
					method: 'POST',
					body: { url: d.url, task: JSON.parse(d.body) },
				});
			await waitUntil(
				'the 5 restarted executions to succeed',
				async () => {
					const all = await rest2.executions();
					return restartRuns.every((r) => all.find((e) => e.id === r.id)?.status === 'success');
				},
				120e3,
			);
			let complete = 0;
			for (const r of restartRuns) {
				const out = isolateItems(await rest2.runData(r.id));
				if (out.length === 1 && out[0].json.status === 'COMPLETED' && out[0].binary?.data)
					complete++;
			}
			stats = await sim.stats();
			check(
				complete === 5 && stats.creates === 5,
				'restart: all 5 waiting executions complete after SIGKILL and restart, no task created twice',
				`${lost.length} callback(s) resent after the restart; creates ${stats.creates}, gets ${stats.gets}`,
			);
		}
	} catch (error) {
		if (n8n?.server)
			console.error(`--- n8n output (tail) ---\n${n8n.server.output().slice(-6000)}`);
		if (sim)
			console.error(
				`--- simulator webhook deliveries ---\n${JSON.stringify((await deliveries(sim).catch(() => [])).map((d) => [d.taskId.slice(0, 8), d.event, d.status, d.responseBody]))}`,
			);
		throw error;
	} finally {
		if (n8n) await n8n.stop().catch(() => {});
		if (sim) await sim.stop().catch(() => {});
		if (process.env.E2E_KEEP) log(`kept ${tmp}`);
		else fs.rmSync(tmp, { recursive: true, force: true });
		log(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
	const failed = checks.filter((c) => !c.ok);
	console.log(`\n${checks.length - failed.length}/${checks.length} checks passed`);
	if (failed.length) process.exit(1);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
