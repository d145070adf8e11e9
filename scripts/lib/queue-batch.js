// @ts-check
'use strict';
// Phase 1 of scripts/e2e-queue.js: W batch workflows fired at once through their production
// webhooks on main, run by the workers against one simulated account (Freepik's documented limits).
// Checks every task completed with its WAV, each was created exactly once, which worker ran what,
// and prints a bench-style summary (wall time vs ideal, 429s, requests per task, rate over time).
const H = require('../../harness/n8n-headless');
const Q = require('./queue-mode');
const WF = require('./queue-workflows');
const { waitFor, sleep } = require('./e2e-suite');

const AVERAGE_PER_SECOND = 10;
const BURST_PER_SECOND = 50;
const BURST_SECONDS = 5;

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

/** 1. W batch workflows at once on the workers, one account limit. Resolves the bench figures. */
async function batchPhase(
	{
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
	},
	{ suite, opts },
) {
	const { check, timed } = suite;
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

module.exports = { AVERAGE_PER_SECOND, BURST_PER_SECOND, BURST_SECONDS, batchPhase };
