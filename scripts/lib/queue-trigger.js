// @ts-check
'use strict';
// Phase 2 of scripts/e2e-queue.js: a signed webhook (sent by the simulator) to the Freepik
// Trigger's production URL on main; the trigger downloads the WAV on main and its workflow runs on a
// worker, which reads the WAV back (binary data across processes). A repeated delivery is dropped.
const H = require('../../harness/n8n-headless');
const Q = require('./queue-mode');
const { waitFor, sleep } = require('./e2e-suite');
const { wavFileSize } = require('../../simulator');

/** 2. A signed webhook to the Freepik Trigger on main runs its workflow on a worker with the WAV. */
async function triggerPhase(
	{ services, sim, simConfig, pg, parse, trigger, ranBy, enqueued, triggerUrl },
	{ suite },
) {
	const { check, timed } = suite;
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
	/** @type {any} set by the waitFor probe below, which throws unless it finds one */
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

module.exports = { triggerPhase };
