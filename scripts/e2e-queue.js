#!/usr/bin/env node
// @ts-check
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
//     a bench-style summary (wall time vs ideal, 429s, requests per task, rate over time)
//     (scripts/lib/queue-batch.js);
//  2. sends a signed webhook through the simulator to the Freepik Trigger's production URL on the
//     main instance and checks the execution ran on a worker with the task and its WAV
//     (scripts/lib/queue-trigger.js);
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
const { Suite, waitFor, requireInt } = require('./lib/e2e-suite');
const Q = require('./lib/queue-mode');
const WF = require('./lib/queue-workflows');
const {
	AVERAGE_PER_SECOND,
	BURST_PER_SECOND,
	BURST_SECONDS,
	batchPhase,
} = require('./lib/queue-batch');
const { triggerPhase } = require('./lib/queue-trigger');
const { compareWaitModes } = require('./lib/queue-wait-modes');

const SIM_KEY = 'queue-e2e-sim-key-3b9d0c71';
const WEBHOOK_SECRET = 'queue-e2e-webhook-secret';
const PHASES = ['batch', 'trigger', 'modes'];

const suite = new Suite('queue');
const { timed, log } = suite;
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
		processEnv: /** @param {string} name @returns {Record<string, string>} */ (name) =>
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
				data: {
					apiKey: SIM_KEY,
					apiHost: 'custom',
					baseUrl: sim.apiUrl,
					webhookSecret: WEBHOOK_SECRET,
				},
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

suite.run(
	async ({ root, services }) => {
		suite.armTimeLimit(opts.timeoutMs);
		log(
			`root ${root}; ${opts.workers} workers (concurrency ${opts.concurrency}), ${opts.workflows} workflows x ${opts.items} items of ${opts.taskMs.join('-')} ms, binary data mode ${opts.binaryMode}, install ${opts.install}${opts.split ? ', split limits' : ''}; phases ${opts.phases.join(', ')}`,
		);
		const ctx = await setUp({ root, services });
		const bench = {};
		if (opts.phases.includes('batch')) bench.batch = await batchPhase(ctx, { suite, opts });
		if (opts.phases.includes('trigger')) bench.trigger = await triggerPhase(ctx, { suite });
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
