// @ts-check
'use strict';
// The wait-mode phase of scripts/e2e-queue.js (issue #14): the same load in Wait Mode "Poll" and
// "Resume on Webhook" on ONE worker with concurrency 1, on the Redis, PostgreSQL and main of the run.
// Each mode gets N single-item executions at once (N webhook POSTs to main), each isolating one task
// of T ms in the simulator, which calls the task's webhook_url (the execution's resume URL on main)
// with a signed callback when the task is done. Poll holds the only worker slot for the whole task,
// so the executions run one after the other; Resume on Webhook frees it at submit, so the tasks run
// side by side. Checks: every execution succeeds with its task and WAV, each task is created once,
// every execution ran on the one worker, Resume on Webhook sends 1 API request per task, and its
// wall time is at most 0.15 x Poll's, both measured in this run (a ratio, no absolute time).
const H = require('../../harness/n8n-headless');
const Q = require('./queue-mode');
const { waitFor } = require('./e2e-suite');

const MAX_RATIO = 0.15;
const LABEL = { webhook: 'Resume on Webhook', poll: 'Poll' };

/** Stops the run's workers and starts the one worker of this phase; logs which executions it ran. */
async function soloWorker({ n8n, workers }, services) {
	await Promise.all(workers.map((w) => w.svc.stop()));
	const solo = await n8n.startWorker(services, 'worker-solo', { concurrency: 1 });
	const ran = new Set();
	solo.svc.onLine((line) => {
		const m = line.match(/Worker started execution (\d+)/);
		if (m) ran.add(m[1]);
	});
	return { ...solo, ran };
}

/** N executions of one mode's workflow at once; resolves when all have ended. */
async function runMode(ctx, suite, { mode, executions, taskMs, services }) {
	const { sim, pg, modes, modeUrls } = ctx;
	const index = modes.findIndex((m) => m.mode === mode);
	const workflowId = modes[index].workflow.id;
	await sim.reset();
	const descriptions = Array.from(
		{ length: executions },
		(_, i) => `queue e2e ${mode} execution ${i} [sim:duration=${taskMs}]`,
	);
	const t0 = Date.now();
	const answers = await Promise.all(
		descriptions.map((d) =>
			H.request(modeUrls[index], { method: 'POST', body: { d }, timeoutMs: 30e3 }),
		),
	);
	suite.check(
		answers.every((r) => r.status === 200),
		`${LABEL[mode]}: main accepted the ${executions} webhook calls`,
		[...new Set(answers.map((r) => r.status))].join(', '),
	);
	let execs = [];
	await suite.timed(`${mode}Run`, () =>
		waitFor(
			`${executions} ${LABEL[mode]} executions to end`,
			async () => {
				execs = await Q.executionsOf(pg, [workflowId]);
				return execs.length >= executions && execs.every((e) => Q.TERMINAL.has(e.status));
			},
			{ timeoutMs: executions * (taskMs + 10e3) + 120e3, intervalMs: 250, services },
		),
	);
	const wallMs = Date.now() - t0;
	const stats = await sim.stats();
	const created = (await sim.requests()).filter(
		(r) => r.server === 'api' && r.route === 'create' && r.status === 200,
	);
	const outputs = [];
	for (const e of execs) {
		const [item] = Q.runItems(await Q.executionData(pg, ctx.parse, e.id), 'Isolate');
		outputs.push({ id: e.id, status: e.status, json: item?.json, wav: item?.binary?.data });
	}
	return { mode, wallMs, stats, created, descriptions, outputs };
}

function checkMode(suite, run, soloRan) {
	const { mode, stats, created, descriptions, outputs } = run;
	const n = descriptions.length;
	const label = LABEL[mode];
	const createdIds = new Set(created.map((r) => r.taskId));
	const good = outputs.filter(
		(o) =>
			o.status === 'success' &&
			o.json?.status === 'COMPLETED' &&
			createdIds.has(o.json.task_id) &&
			o.wav?.mimeType === 'audio/wav',
	);
	suite.check(
		outputs.length === n && good.length === n,
		`${label}: all ${n} executions succeeded, each with its COMPLETED task and WAV`,
		[
			`${good.length}/${outputs.length}`,
			...outputs
				.filter((o) => !good.includes(o))
				.map((o) => `#${o.id} ${o.status} ${JSON.stringify(o.json ?? null).slice(0, 120)}`),
		].join('; '),
	);
	const sent = created.map((r) => r.body?.description);
	const outputIds = outputs.map((o) => o.json?.task_id);
	suite.check(
		stats.creates === n &&
			new Set(sent).size === n &&
			descriptions.every((d) => sent.includes(d)) &&
			new Set(outputIds).size === n,
		`${label}: each task created exactly once, one per execution`,
		`creates ${stats.creates}, distinct descriptions ${new Set(sent).size}, distinct output task ids ${new Set(outputIds).size}`,
	);
	suite.check(
		outputs.every((o) => soloRan.has(o.id)),
		`${label}: every execution ran on the one worker (concurrency 1)`,
		`${outputs.filter((o) => soloRan.has(o.id)).length}/${n}`,
	);
	return {
		wallMs: run.wallMs,
		creates: stats.creates,
		gets: stats.gets,
		rateLimited429: stats.rateLimited,
		requestsPerTask: +((stats.creates + stats.gets + stats.rateLimited) / n).toFixed(2),
	};
}

/**
 * Runs Resume on Webhook first (it gets the cold worker), then Poll. `ctx` is e2e-queue.js's set-up.
 * Resolves the figures { executions, taskMs, webhook, poll, ratio }.
 */
async function compareWaitModes(ctx, { suite, services, executions = 20, taskMs = 10000 }) {
	console.log(
		`\n== Wait Mode on one worker with concurrency 1: ${executions} executions x 1 task of ${taskMs / 1000} s, Resume on Webhook, then Poll ==`,
	);
	const solo = await suite.timed('soloWorker', () => soloWorker(ctx, services));
	const figures = { executions, taskMs };
	for (const mode of ['webhook', 'poll']) {
		const run = await runMode(ctx, suite, { mode, executions, taskMs, services });
		figures[mode] = checkMode(suite, run, solo.ran);
	}
	const { webhook, poll } = figures;
	suite.check(
		webhook.creates === executions && webhook.gets === 0,
		'Resume on Webhook: 1 API request per task (its create; no poll)',
		`creates ${webhook.creates}, gets ${webhook.gets}`,
	);
	figures.ratio = +(webhook.wallMs / poll.wallMs).toFixed(3);
	suite.check(
		figures.ratio <= MAX_RATIO,
		`Resume on Webhook wall time <= ${MAX_RATIO} x Poll's (same run)`,
		`${(webhook.wallMs / 1000).toFixed(1)} s / ${(poll.wallMs / 1000).toFixed(1)} s = ${figures.ratio}`,
	);
	const rows = [
		[LABEL.webhook, webhook],
		[LABEL.poll, poll],
	].map(
		([label, f]) =>
			`  ${label.padEnd(18)} wall ${(f.wallMs / 1000).toFixed(1).padStart(6)} s   requests per task ${f.requestsPerTask} (creates ${f.creates}, gets ${f.gets}, 429 ${f.rateLimited429})`,
	);
	console.log(
		`\nwait modes, ${executions} executions x ${taskMs / 1000} s task, one worker with concurrency 1:\n${rows.join('\n')}\n  resume / poll wall time: ${figures.ratio} (bound ${MAX_RATIO})`,
	);
	return figures;
}

module.exports = { compareWaitModes };
