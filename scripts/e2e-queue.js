#!/usr/bin/env node
'use strict';
// npm run e2e:queue — the Freepik nodes in n8n queue mode (issue #8), loopback only.
//
// Starts Redis and PostgreSQL (installed from Debian packages when missing), the Freepik simulator
// with one account-wide rate limit (Freepik's documented 10 req/s average, 50 req/s bursts), and the
// pinned n8n 2.40.7 as one main (`n8n start`) + N workers (`n8n worker`, EXECUTIONS_MODE=queue),
// all sharing one user folder where the packed package is installed. Then:
//  1. fires W batch workflows at once through their production webhooks (main enqueues, workers
//     run), each a Code node making M items -> Freepik Isolate (wait, poll 1 s, download);
//     checks every task completed, each was created exactly once, which worker ran what, and prints
//     a bench-style summary (wall time vs ideal, 429s, requests per task, rate over time);
//  2. sends a signed webhook through the simulator to the Freepik Trigger's production URL on the
//     main instance and checks the execution ran on a worker with the task and its WAV;
//  3. Wait Mode, Poll vs Resume on Webhook (issue #14, scripts/lib/queue-wait-modes.js): the
//     workers are replaced by ONE worker with concurrency 1; N single-item executions of T ms tasks
//     in each mode; every execution succeeds with its WAV, each task is created once, and Resume
//     on Webhook's wall time is at most 0.15 x Poll's, measured in this run.
// Everything is stopped at the end (process groups, bounded, SIGKILL after grace).
//
// Options (flags or env):
//   --phases batch,trigger,modes (all; trigger needs batch)
//   --mode-executions N (20)  --mode-task-ms T (10000)   the wait-mode phase
//   --workers N (3)  --workflows W (3)  --items M (40)  --concurrency C (10, per worker)
//   --binary-mode database|filesystem|filesystem-per-process (database); the last one gives every
//                    n8n process its own storage folder, like separate machines without a shared
//                    volume: the trigger's cross-process binary check is then EXPECTED to fail
//   --install custom|nodes (custom)
//   --task-ms MIN-MAX  simulated task durations (8000-16000): long enough that the run outlasts the
//                    account's burst budget (201 requests) and the 10 req/s average really binds;
//                    1000-3000 mostly measures the burst phase
//   --split          give each workflow 1/W of the account's limits (Average/Burst Requests per Second)
//   --keep           keep the temporary folder (logs, data)       E2E_QUEUE_TIMEOUT_MS (900000)
// Redis and PostgreSQL come from Debian packages, installed with apt-get when missing (as root).
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const H = require('../harness/n8n-headless');
const { Suite, waitFor, sleep, requireInt } = require('./lib/e2e-suite');
const Q = require('./lib/queue-mode');
const WF = require('./lib/queue-workflows');
const { compareWaitModes } = require('./lib/queue-wait-modes');

const SIM_KEY = 'queue-e2e-sim-key-3b9d0c71';
const WEBHOOK_SECRET = 'queue-e2e-webhook-secret';
const AVERAGE_PER_SECOND = 10;
const BURST_PER_SECOND = 50;
const BURST_SECONDS = 5;
const PHASES = ['batch', 'trigger', 'modes'];

const suite = new Suite('queue');
const { check, timed, log } = suite;
const opts = suite.options(
	{
		workers: Number(process.env.E2E_QUEUE_WORKERS || 3),
		workflows: Number(process.env.E2E_QUEUE_WORKFLOWS || 3),
		items: Number(process.env.E2E_QUEUE_ITEMS || 40),
		concurrency: Number(process.env.E2E_QUEUE_CONCURRENCY || 10),
		binaryMode: process.env.E2E_QUEUE_BINARY_MODE || 'database',
		install: process.env.E2E_QUEUE_INSTALL || 'custom',
		split: process.env.E2E_QUEUE_SPLIT === '1',
		taskMs: process.env.E2E_QUEUE_TASK_MS || '8000-16000',
		phases: process.env.E2E_QUEUE_PHASES || PHASES.join(','),
		modeExecutions: Number(process.env.E2E_QUEUE_MODE_EXECUTIONS || 20),
		modeTaskMs: Number(process.env.E2E_QUEUE_MODE_TASK_MS || 10000),
		keep: !!process.env.E2E_KEEP,
		timeoutMs: Number(process.env.E2E_QUEUE_TIMEOUT_MS || 15 * 60e3),
	},
	{
		'--workers': ['workers', 'number'],
		'--workflows': ['workflows', 'number'],
		'--items': ['items', 'number'],
		'--concurrency': ['concurrency', 'number'],
		'--binary-mode': ['binaryMode', 'string'],
		'--install': ['install', 'string'],
		'--split': ['split', 'flag'],
		'--task-ms': ['taskMs', 'string'],
		'--phases': ['phases', 'string'],
		'--mode-executions': ['modeExecutions', 'number'],
		'--mode-task-ms': ['modeTaskMs', 'number'],
		'--keep': ['keep', 'flag'],
	},
	(o) => {
		for (const k of ['workers', 'workflows', 'items', 'concurrency', 'modeExecutions'])
			requireInt(o, k, 1);
		requireInt(o, 'modeTaskMs', 0);
		if (!['database', 'filesystem', 'filesystem-per-process'].includes(o.binaryMode))
			throw new Error('--binary-mode must be database, filesystem or filesystem-per-process');
		if (!['custom', 'nodes'].includes(o.install))
			throw new Error('--install must be custom or nodes');
		const range = String(o.taskMs).split('-').map(Number);
		if (
			range.length !== 2 ||
			!range.every((n) => Number.isInteger(n) && n >= 0) ||
			range[0] > range[1]
		)
			throw new Error('--task-ms must be MIN-MAX in ms, e.g. 1000-3000');
		o.taskMs = range;
		o.phases = String(o.phases).split(',');
		const unknown = o.phases.filter((p) => !PHASES.includes(p));
		if (unknown.length || !o.phases.length)
			throw new Error(`--phases takes a comma-separated subset of ${PHASES.join(',')}`);
		if (o.phases.includes('trigger') && !o.phases.includes('batch'))
			throw new Error('--phases: trigger sends the webhook of a task the batch phase made');
	},
);

/** Accepted requests and 429s of the API server per `bucketS` seconds, from t0. */
function timeline(apiRequests, t0, bucketS) {
	const rows = [];
	for (const r of apiRequests) {
		const b = Math.floor((r.at - t0) / 1000 / bucketS);
		rows[b] ??= { ok: 0, limited: 0 };
		if (r.status === 429) rows[b].limited++;
		else rows[b].ok++;
	}
	return Array.from(rows, (r, i) => ({
		from: i * bucketS,
		ok: r?.ok ?? 0,
		limited: r?.limited ?? 0,
	}));
}

/**
 * Everything the phases share: the simulator (one account-wide limit), Redis, PostgreSQL, the
 * packed package, the workflows (imported and published), main and the workers, and what their logs
 * say about which process ran which execution.
 */
async function setUp({ root, services }) {
	// ------------------------------------------------------------ prerequisites
	await timed('build', () => H.ensureBuilt());
	const runtime = await timed('provisionN8n', () => H.provision());
	const sys = await timed('systemPackages', () => Q.ensureSystemPackages());
	log(
		`n8n ${runtime.version}, redis-server ${sys.redisServer}, postgres ${sys.pgBin}${sys.installed.length ? ` (installed ${sys.installed.join(', ')})` : ''}`,
	);

	// ------------------------------------------------------------ services
	const sim = await timed('startSimulator', () =>
		H.startSimulator(['--rate-limit', '--api-key', SIM_KEY, '--webhook-secret', WEBHOOK_SECRET]),
	);
	suite.onTeardown(() => sim.stop());
	// One account-wide limit, stated explicitly (these are also Freepik's documented defaults).
	const simConfig = await sim.config({
		rateLimit: {
			averagePerSecond: AVERAGE_PER_SECOND,
			burstPerSecond: BURST_PER_SECOND,
			burstSeconds: BURST_SECONDS,
			averageWindowSeconds: 120,
		},
	});
	log(
		`simulator ${sim.apiUrl} (files ${sim.fileUrl}), rate limit ${JSON.stringify(simConfig.rateLimit)}`,
	);
	const redis = await timed('startRedis', () =>
		Q.startRedis(services, { redisServer: sys.redisServer, dir: path.join(root, 'redis') }),
	);
	const pg = await timed('startPostgres', () =>
		Q.startPostgres(services, { pgBin: sys.pgBin, dir: path.join(root, 'pg') }),
	);
	log(`redis 127.0.0.1:${redis.port}, postgres 127.0.0.1:${pg.port}/${pg.database}`);

	const n8n = new Q.QueueN8n({
		runtime,
		userFolder: path.join(root, 'n8n'),
		queueEnv: Q.queueEnvironment({
			redisPort: redis.port,
			pg,
			encryptionKey: crypto.randomBytes(24).toString('base64'),
			binaryDataMode: opts.binaryMode.startsWith('filesystem') ? 'filesystem' : opts.binaryMode,
		}),
		processEnv: (name) =>
			opts.binaryMode === 'filesystem-per-process'
				? { N8N_STORAGE_PATH: path.join(root, `storage-${name}`) }
				: {},
	});
	const { typePrefix } = await timed('packAndInstall', () =>
		H.packAndInstall(n8n.userFolder, { location: opts.install }),
	);
	fs.rmSync(path.dirname((await H.pack()).tarball), { recursive: true, force: true }); // unpacked: the tarball is not needed

	const nodeOptions = opts.split
		? {
				averageRequestsPerSecond: Math.floor((AVERAGE_PER_SECOND / opts.workflows) * 10) / 10,
				burstRequestsPerSecond: Math.floor((BURST_PER_SECOND / opts.workflows) * 10) / 10,
			}
		: {};
	const batches = Array.from({ length: opts.workflows }, (_, i) =>
		WF.batchWorkflow(i + 1, { items: opts.items, typePrefix, nodeOptions, taskMs: opts.taskMs }),
	);
	const trigger = WF.triggerWorkflow({ typePrefix });
	const modes = WF.waitModeWorkflows({ typePrefix });
	const workflows = [
		...batches.map((b) => b.workflow),
		trigger.workflow,
		...modes.map((m) => m.workflow),
	];

	await timed('importAndPublish', async () => {
		// The first n8n command on the empty database runs the migrations.
		await n8n.importCredentials([
			{
				...WF.CREDENTIAL,
				type: 'freepikApi',
				data: { apiKey: SIM_KEY, baseUrl: sim.apiUrl, webhookSecret: WEBHOOK_SECRET },
			},
		]);
		await n8n.importWorkflows(workflows);
		// One n8n process per workflow; PostgreSQL takes them side by side.
		await Promise.all(workflows.map((wf) => n8n.publishWorkflow(wf.id)));
	});

	// ------------------------------------------------------------ n8n main + workers
	const mainInfo = await timed('startMain', () => n8n.startMain(services));
	const workers = await timed('startWorkers', () =>
		Promise.all(
			Array.from({ length: opts.workers }, (_, i) =>
				n8n.startWorker(services, `worker${i + 1}`, { concurrency: opts.concurrency }),
			),
		),
	);
	// Which worker ran which execution: workers log "Worker started execution <id> (job <id>)".
	const ranBy = new Map();
	const finishedBy = new Map();
	const rateLimitedLogs = {};
	for (const w of workers) {
		rateLimitedLogs[w.name] = 0;
		w.svc.onLine((line) => {
			let m = line.match(/Worker started execution (\d+) \(job ([^)]+)\)/);
			if (m) ranBy.set(m[1], w.name);
			m = line.match(/Worker finished execution (\d+)/);
			if (m) finishedBy.set(m[1], w.name);
			if (/Freepik: rate limited on/.test(line)) rateLimitedLogs[w.name]++;
		});
	}

	// ...and main logs "Enqueued execution <id> (job <id>)" for what it hands to the queue.
	const enqueued = new Set();
	services.get('main').onLine((line) => {
		const m = line.match(/Enqueued execution (\d+)/);
		if (m) enqueued.add(m[1]);
	});

	const base = mainInfo.baseUrl;
	const batchUrls = batches.map((b) => `${base}/webhook/${b.path}`);
	const triggerUrl = `${base}/webhook/${trigger.path}`;
	const modeUrls = modes.map((m) => `${base}/webhook/${m.path}`);
	// Registered = a GET answers "not registered for GET requests" instead of "not registered".
	await timed('webhooksRegistered', () =>
		waitFor(
			'the production webhooks to be registered on main',
			async () => {
				for (const url of [...batchUrls, triggerUrl, ...modeUrls]) {
					const r = await H.request(url, { timeoutMs: 3000 });
					if (!(r.status === 404 && /not registered for GET/.test(r.text))) return false;
				}
				return true;
			},
			{ timeoutMs: 60e3, intervalMs: 500, services },
		),
	);

	return {
		services,
		runtime,
		sim,
		simConfig,
		pg,
		n8n,
		parse: Q.flattedParser(runtime),
		nodeOptions,
		batches,
		trigger,
		modes,
		workers,
		ranBy,
		enqueued,
		rateLimitedLogs,
		batchUrls,
		triggerUrl,
		modeUrls,
	};
}

/** 1. W batch workflows at once on the workers, one account limit. Resolves the bench figures. */
async function batchPhase({
	services,
	sim,
	pg,
	parse,
	nodeOptions,
	batches,
	workers,
	ranBy,
	enqueued,
	rateLimitedLogs,
	batchUrls,
}) {
	// ------------------------------------------------------------ 1. batches at once
	console.log(
		`\n== ${opts.workflows} batch workflows x ${opts.items} items at once, ${opts.workers} workers, one simulator at ${AVERAGE_PER_SECOND} req/s average ==`,
	);
	await sim.reset();
	const workflowIds = batches.map((b) => b.workflow.id);
	const tFire = Date.now();
	const answers = await Promise.all(
		batchUrls.map((url, i) =>
			H.request(url, { method: 'POST', body: { batch: i + 1 }, timeoutMs: 30e3 }),
		),
	);
	const fireMs = Date.now() - tFire;
	answers.forEach((r, i) =>
		check(
			r.status === 200,
			`webhook of batch ${i + 1} answered at once`,
			`${r.status} ${r.text.slice(0, 120)}`,
		),
	);

	let execs = [];
	await timed('batchRun', () =>
		waitFor(
			`${opts.workflows} batch executions to finish`,
			async () => {
				execs = await Q.executionsOf(pg, workflowIds);
				return execs.length >= opts.workflows && execs.every((e) => Q.TERMINAL.has(e.status));
			},
			{
				timeoutMs: Math.max(180e3, opts.workflows * opts.items * 1500),
				intervalMs: 500,
				services,
			},
		),
	);
	const wallMs = Date.now() - tFire;
	// Let the workers print their "finished" lines.
	await sleep(500);

	const requests = await H.request(`${sim.apiUrl}/__sim/requests`, { timeoutMs: 60e3 }).then(
		(r) => r.json,
	);
	const stats = await sim.stats();
	const api = requests.filter((r) => r.server === 'api');
	const creates = api.filter((r) => r.route === 'create');
	const okCreates = creates.filter((r) => r.status === 200);
	const limited = api.filter((r) => r.status === 429);
	const expected = batches.flatMap((_, b) =>
		Array.from({ length: opts.items }, (__, i) => WF.description(b + 1, i, opts.taskMs)),
	);
	const descriptions = okCreates.map((r) => r.body?.description);
	const createdIds = new Set(okCreates.map((r) => r.taskId));
	const total = opts.workflows * opts.items;

	check(
		execs.length === opts.workflows,
		`exactly ${opts.workflows} batch executions`,
		`${execs.length}: ${execs.map((e) => `#${e.id} ${e.workflowId} ${e.status}`).join(', ')}`,
	);
	check(
		execs.every((e) => e.status === 'success'),
		'every batch execution succeeded',
		execs.map((e) => `#${e.id} ${e.status} (${e.mode})`).join(', '),
	);

	const perExecution = [];
	for (const e of execs) {
		const data = await Q.executionData(pg, parse, e.id);
		const items = Q.runItems(data, 'Isolate');
		const err = data?.resultData?.error;
		perExecution.push({
			id: e.id,
			workflowId: e.workflowId,
			worker: ranBy.get(e.id) ?? null,
			status: e.status,
			runMs: Number(e.runMs),
			items: items.length,
			completed: items.filter((it) => it.json?.status === 'COMPLETED').length,
			withBinary: items.filter((it) => it.binary?.data).length,
			binaryIds: [
				...new Set(
					items.map((it) => String(it.binary?.data?.id ?? '').split(':')[0]).filter(Boolean),
				),
			],
			taskIds: items.map((it) => it.json?.task_id),
			error: err ? `${err.message} ${err.description ?? ''}`.slice(0, 500) : null,
		});
	}
	for (const p of perExecution) {
		check(
			p.items === opts.items && p.completed === opts.items && p.withBinary === opts.items,
			`execution #${p.id} (${p.workflowId}): ${opts.items} items COMPLETED with the WAV`,
			`${p.completed}/${p.items} completed, ${p.withBinary} with binary (storage ${p.binaryIds.join(',') || 'none'})${p.error ? `; error: ${p.error}` : ''}`,
		);
	}
	const outputIds = perExecution.flatMap((p) => p.taskIds);
	check(
		stats.creates === total && okCreates.length === total,
		`simulator created exactly ${total} tasks`,
		`stats.creates ${stats.creates}, 200-answered creates ${okCreates.length}, create attempts ${creates.length}`,
	);
	check(
		new Set(descriptions).size === descriptions.length &&
			expected.every((d) => descriptions.includes(d)),
		'each item was submitted exactly once (descriptions unique, none missing)',
		`${new Set(descriptions).size} distinct of ${descriptions.length}; missing ${expected.filter((d) => !descriptions.includes(d)).length}`,
	);
	check(
		outputIds.length === total &&
			new Set(outputIds).size === total &&
			outputIds.every((id) => createdIds.has(id)),
		'output task ids are the created tasks, one each',
		`${new Set(outputIds).size} distinct output ids`,
	);
	const perWorker = Object.fromEntries(workers.map((w) => [w.name, 0]));
	for (const p of perExecution) if (p.worker) perWorker[p.worker]++;
	const usedWorkers = Object.values(perWorker).filter((n) => n > 0).length;
	check(
		perExecution.every((p) => p.worker && enqueued.has(p.id)),
		'every batch execution was enqueued by main and run by a worker (their logs)',
		perExecution
			.map(
				(p) =>
					`#${p.id} ${enqueued.has(p.id) ? 'enqueued' : 'NOT enqueued'} → ${p.worker ?? 'no worker'}`,
			)
			.join(', '),
	);
	check(
		usedWorkers === Math.min(opts.workers, opts.workflows),
		`batch executions spread over ${Math.min(opts.workers, opts.workflows)} workers`,
		JSON.stringify(perWorker),
	);

	// ---- bench-style figures
	const apiRequests = api.length;
	const idealMs = (apiRequests / AVERAGE_PER_SECOND) * 1000;
	const bucket = (BURST_PER_SECOND - AVERAGE_PER_SECOND) * BURST_SECONDS + 1;
	const accepted = api.filter((r) => r.status !== 429).length;
	// What the simulator could accept at best: the full burst budget at once, then 10 per second.
	const burstFloorMs = (Math.max(0, accepted - bucket) / AVERAGE_PER_SECOND) * 1000;
	const tFirst = Math.min(...api.map((r) => r.at));
	const tLast = Math.max(...api.map((r) => r.at));
	const bucketS = Math.max(5, Math.round((tLast - tFirst) / 1000 / 20 / 5) * 5);
	const line = timeline(api, tFirst, bucketS);
	const acceptedAfterBurst = api.filter((r) => r.status !== 429 && r.at - tFirst >= 10e3);
	const sustainedWindowS = Math.max(0.001, (tLast - tFirst) / 1000 - 10);
	const bench = {
		workers: opts.workers,
		concurrencyPerWorker: opts.concurrency,
		workflows: opts.workflows,
		itemsPerWorkflow: opts.items,
		taskMs: opts.taskMs,
		split: opts.split,
		nodeOptions,
		binaryMode: opts.binaryMode,
		wallMs,
		apiSpanMs: tLast - tFirst,
		idealMs: Math.round(idealMs),
		wallOverIdeal: +(wallMs / idealMs).toFixed(2),
		burstAwareFloorMs: Math.round(burstFloorMs),
		apiRequests,
		creates: stats.creates,
		createAttempts: creates.length,
		gets: api.filter((r) => r.route === 'get').length,
		downloads: requests.filter((r) => r.server === 'file').length,
		rateLimited429: limited.length,
		rateLimited429OnCreate: creates.filter((r) => r.status === 429).length,
		requestsPerTask: +(apiRequests / total).toFixed(2),
		// 1 create + polls at 1 s, 2 s, ... after the create until the task is done.
		requestsPerTaskAtFullPollRate: +(
			expected.reduce((s, d) => s + 1 + Math.ceil(Number(d.match(/duration=(\d+)/)[1]) / 1000), 0) /
			total
		).toFixed(2),
		acceptedPerSecondOverall: +(accepted / Math.max(0.001, (tLast - tFirst) / 1000)).toFixed(2),
		sustainedAcceptedPerSecondAfter10s: +(acceptedAfterBurst.length / sustainedWindowS).toFixed(2),
		first429AtS: limited.length
			? +((Math.min(...limited.map((r) => r.at)) - tFirst) / 1000).toFixed(1)
			: null,
		last429AtS: limited.length
			? +((Math.max(...limited.map((r) => r.at)) - tFirst) / 1000).toFixed(1)
			: null,
		webhookPostsMs: fireMs,
		executionsPerWorker: perWorker,
		rateLimitedWarningsPerWorker: rateLimitedLogs,
		executions: perExecution.map(({ taskIds, binaryIds, ...p }) => ({
			...p,
			binary: binaryIds.join(','),
		})),
	};

	console.log(
		`\nqueue-mode batch: ${total} tasks in ${opts.workflows} executions on ${opts.workers} workers against one ${AVERAGE_PER_SECOND} req/s account`,
	);
	const rows = [
		['wall time (webhook POSTs -> last execution finished)', `${(wallMs / 1000).toFixed(1)} s`],
		[
			'ideal = API requests / 10 per s',
			`${(idealMs / 1000).toFixed(1)} s  (wall/ideal ${bench.wallOverIdeal})`,
		],
		[
			`burst-aware floor = (accepted - ${bucket} burst budget) / 10 per s`,
			`${(burstFloorMs / 1000).toFixed(1)} s  (wall/floor ${(wallMs / Math.max(1, burstFloorMs)).toFixed(2)})`,
		],
		[
			'API requests (create + get, incl. 429s)',
			`${apiRequests}  (creates ${stats.creates}, create attempts ${creates.length}, gets ${bench.gets})`,
		],
		[
			'429 answers',
			`${limited.length}  (on create ${bench.rateLimited429OnCreate}; first ${bench.first429AtS ?? '-'} s, last ${bench.last429AtS ?? '-'} s)`,
		],
		[
			'requests per task',
			`${bench.requestsPerTask}  (lower bound 2 = create + final get; polling every 1 s unthrottled would take ${bench.requestsPerTaskAtFullPollRate})`,
		],
		[
			'accepted req/s: whole run / after the first 10 s',
			`${bench.acceptedPerSecondOverall} / ${bench.sustainedAcceptedPerSecondAfter10s}`,
		],
		['executions per worker', JSON.stringify(perWorker)],
		['"rate limited" warnings per worker', JSON.stringify(rateLimitedLogs)],
		[
			'execution run times',
			perExecution
				.map((p) => `#${p.id} ${(p.runMs / 1000).toFixed(1)} s on ${p.worker}`)
				.join(', '),
		],
	];
	const width = Math.max(...rows.map((r) => r[0].length));
	for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
	console.log(
		`  API requests per ${bucketS} s (accepted/429): ${line.map((b) => `${b.from}s ${b.ok}/${b.limited}`).join('  ')}`,
	);

	return bench;
}

/** 2. A signed webhook to the Freepik Trigger on main runs its workflow on a worker with the WAV. */
async function triggerPhase({
	services,
	sim,
	simConfig,
	pg,
	parse,
	trigger,
	ranBy,
	enqueued,
	triggerUrl,
}) {
	// ------------------------------------------------------------ 2. Freepik Trigger through main
	console.log('\n== Freepik Trigger: signed webhook -> main -> worker ==');
	const simTasks = await H.request(`${sim.apiUrl}/__sim/tasks`, { timeoutMs: 30e3 }).then(
		(r) => r.json,
	);
	const done = simTasks.find((t) => t.view?.status === 'COMPLETED');
	const before = new Set((await Q.executionsOf(pg, [trigger.workflow.id])).map((e) => e.id));
	const fileRequestsBefore = (
		await H.request(`${sim.apiUrl}/__sim/requests?server=file`, { timeoutMs: 30e3 })
	).json.length;
	const delivery = await H.request(`${sim.apiUrl}/__sim/webhook`, {
		method: 'POST',
		body: { url: triggerUrl, task: done.view },
		timeoutMs: 30e3,
	}).then((r) => r.json);
	check(
		delivery.status === 200 && /Workflow was started/.test(delivery.responseBody ?? ''),
		'signed webhook accepted by the main instance',
		`${delivery.status} ${delivery.responseBody ?? delivery.error}`,
	);
	let trigExec;
	await timed('triggerRun', () =>
		waitFor(
			'the trigger execution to finish',
			async () => {
				const list = (await Q.executionsOf(pg, [trigger.workflow.id])).filter(
					(e) => !before.has(e.id),
				);
				trigExec = list[0];
				return list.length && list.every((e) => Q.TERMINAL.has(e.status));
			},
			{ timeoutMs: 60e3, intervalMs: 300, services },
		),
	);
	await sleep(300);
	const trigData = await Q.executionData(pg, parse, trigExec.id);
	const [trigItem] = Q.runItems(trigData, 'Freepik Trigger');
	const [checked] = Q.runItems(trigData, 'Check binary');
	const { wavFileSize } = require('../simulator');
	const wavBytes = wavFileSize(simConfig.resultBytes ?? 32768);
	const trigError = trigData?.resultData?.error;
	check(
		trigExec.status === 'success',
		`trigger execution #${trigExec.id} succeeded`,
		`${trigExec.status}${trigError ? `: ${trigError.name ?? ''} ${trigError.message ?? ''} ${trigError.node?.name ? `in "${trigError.node.name}"` : ''}`.slice(0, 400) : ''}`,
	);
	check(
		ranBy.has(trigExec.id) && enqueued.has(trigExec.id),
		'trigger execution was enqueued by main and ran on a worker',
		`${enqueued.has(trigExec.id) ? 'enqueued' : 'NOT enqueued'} → ${ranBy.get(trigExec.id) ?? 'no worker logged it'}`,
	);
	check(
		trigItem?.json?.task_id === done.id &&
			trigItem?.json?.status === 'COMPLETED' &&
			trigItem?.json?.webhookId === delivery.id,
		'trigger item carries the task and the webhook id',
		JSON.stringify(trigItem?.json ?? null).slice(0, 200),
	);
	check(
		checked?.json?.bytes === wavBytes && checked?.json?.magic === 'RIFF/WAVE',
		'the WAV downloaded on main is readable on the worker (binary data across processes)',
		`${checked?.json?.bytes} bytes (expected ${wavBytes}), ${checked?.json?.magic}, binary id ${String(checked?.json?.binaryId ?? '').split(':')[0] || '?'}`,
	);
	const fileReqs = (
		await H.request(`${sim.apiUrl}/__sim/requests?server=file`, { timeoutMs: 30e3 })
	).json.slice(fileRequestsBefore);
	check(
		fileReqs.length >= 1 && fileReqs.every((r) => r.headers['x-freepik-api-key'] === undefined),
		'the trigger downloaded the result without the API key',
		`${fileReqs.length} file request(s)`,
	);
	const again = await H.request(`${sim.apiUrl}/__sim/webhook`, {
		method: 'POST',
		body: { url: triggerUrl, task: done.view, id: delivery.id },
		timeoutMs: 30e3,
	}).then((r) => r.json);
	await sleep(1500);
	const afterDup = (await Q.executionsOf(pg, [trigger.workflow.id])).filter(
		(e) => !before.has(e.id),
	);
	check(
		again.status === 200 && /Duplicate/.test(again.responseBody ?? '') && afterDup.length === 1,
		'the same delivery again is dropped by the main instance (per-process memory)',
		`${again.status} ${again.responseBody}; executions ${afterDup.length}`,
	);
	return {
		executionId: trigExec.id,
		worker: ranBy.get(trigExec.id) ?? null,
		bytes: checked?.json?.bytes ?? null,
		binary: String(checked?.json?.binaryId ?? '').split(':')[0] || null,
	};
}

suite.run(
	async ({ root, services }) => {
		suite.armTimeLimit(opts.timeoutMs);
		log(
			`root ${root}; ${opts.workers} workers (concurrency ${opts.concurrency}), ${opts.workflows} workflows x ${opts.items} items of ${opts.taskMs.join('-')} ms, binary data mode ${opts.binaryMode}, install ${opts.install}${opts.split ? ', split limits' : ''}; phases ${opts.phases.join(', ')}`,
		);
		const ctx = await setUp({ root, services });
		const bench = {};
		if (opts.phases.includes('batch')) bench.batch = await batchPhase(ctx);
		if (opts.phases.includes('trigger')) bench.trigger = await triggerPhase(ctx);
		if (opts.phases.includes('modes'))
			bench.waitModes = await compareWaitModes(ctx, {
				suite,
				services,
				executions: opts.modeExecutions,
				taskMs: opts.modeTaskMs,
			});
		console.log(`\nBENCH_JSON ${JSON.stringify(bench)}`);
	},
	{ keep: opts.keep },
);
