// @ts-check
'use strict';
/**
 * `npm run bench`: batch speed, rate-limit behaviour, memory and per-item overhead of the built node
 * (dist/), run in-process through n8n's engine against the project's simulator on 127.0.0.1.
 * Prints a table and one JSON line. Ratios are measured within this run; absolute times vary.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { createSimulator } = require('../simulator');
const { runNode } = require('../harness/n8n-harness');
const { startCallbackReceiver, deliverCallback } = require('../harness/n8n-resume');
const { Freepik } = require('../dist/nodes/Freepik/Freepik.node');
const { FreepikApi } = require('../dist/credentials/FreepikApi.credentials');

const API_KEY = 'bench-key';
const WEBHOOK_SECRET = 'bench-webhook-secret';
const RESUME_TOKEN = 'b'.repeat(64);
const deadline = Date.now() + 260_000;

/** Deterministic durations 1–4 s (a fixed LCG), so every run benchmarks the same batch. */
function durations(n, minMs, maxMs) {
	let seed = 42;
	return Array.from({ length: n }, () => {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		return Math.round(minMs + (seed / 2 ** 31) * (maxMs - minMs));
	});
}

async function isolateBatch(sim, durationsMs, options = {}) {
	if (Date.now() > deadline) throw new Error('bench time budget exceeded');
	const started = Date.now();
	const result = await runNode({
		nodeType: new Freepik(),
		credentialTypes: { freepikApi: new FreepikApi() },
		credentials: { freepikApi: { apiKey: API_KEY, apiHost: 'custom', baseUrl: sim.apiUrl } },
		parameters: {
			resource: 'audioIsolation',
			operation: 'isolate',
			description: '={{ $json.description }}',
			inputType: 'audio',
			inputSource: 'url',
			url: 'https://example.com/episode.mp3',
			waitForCompletion: options.wait ?? true,
			downloadResult: true,
			options: { pollInterval: 1, maxWaitTime: 120 },
			tuning: options.nodeOptions ?? {},
		},
		items: durationsMs.map((ms, i) => ({
			json: { description: `Voice of episode ${i} [sim:duration=${ms}]` },
		})),
	});
	if (result.error) throw new Error(`batch failed: ${result.error.message}`);
	return { ms: Date.now() - started, items: result.items };
}

async function batchVsSequential() {
	const sim = await createSimulator({ apiKey: API_KEY, rateLimit: true });
	const ds = durations(30, 1000, 4000);
	const ideal = Math.max(...ds) + 1000;
	const batch = await isolateBatch(sim, ds);
	const inOrder = batch.items.every(
		(item, i) => item.pairedItem.item === i && item.json.status === 'COMPLETED',
	);
	sim.reset();
	const plain = await isolateBatch(sim, ds, {
		nodeOptions: { burstRequestsPerSecond: 10, averageRequestsPerSecond: 10 },
	});
	sim.reset();
	// What every peer node does: one item at a time, each waited for before the next is sent.
	let sequentialMs = 0;
	for (const d of ds) sequentialMs += (await isolateBatch(sim, [d])).ms;
	await sim.close();
	return {
		n: 30,
		idealMs: ideal,
		batchMs: batch.ms,
		ratioToIdeal: +(batch.ms / ideal).toFixed(2),
		sequentialMs,
		speedupVsSequential: +(sequentialMs / batch.ms).toFixed(1),
		plain10PerSecondBucketMs: plain.ms,
		speedupVsPlainBucket: +(plain.ms / batch.ms).toFixed(2),
		outputsInOrder: inOrder,
	};
}

async function rateLimitedBatch() {
	const sim = await createSimulator({ apiKey: API_KEY, rateLimit: true });
	const n = 200;
	const ds = durations(n, 1000, 2000);
	const { ms } = await isolateBatch(sim, ds, { nodeOptions: { maxTasksInFlight: 200 } });
	const stats = sim.stats();
	const creates = sim
		.requestsTo('create')
		.filter((r) => r.status === 200)
		.map((r) => r.at);
	const bound = ds.reduce((sum, d) => sum + 2 + Math.ceil(d / 1000), 0) / n;
	await sim.close();
	return {
		n,
		wallMs: ms,
		rateLimited429: stats.rateLimited,
		tasksCreated: stats.creates,
		apiRequests: stats.creates + stats.gets + stats.rateLimited,
		requestsPerTask: +((stats.creates + stats.gets + stats.rateLimited) / n).toFixed(2),
		requestsPerTaskBound: +bound.toFixed(2),
		submitRatePerSecond: +(
			n / Math.max(0.001, (Math.max(...creates) - Math.min(...creates)) / 1000)
		).toFixed(1),
	};
}

/**
 * K executions of one workflow at once in this process, on one API key: they share one rate limit,
 * so the account sees one client. Floor: the shortest time Freepik's limits (50/s for at most 5 s,
 * then 10/s) allow for the requests made, or the longest task plus one poll if that is longer.
 */
async function concurrentExecutions(k = 3, n = 30) {
	const sim = await createSimulator({ apiKey: API_KEY, rateLimit: true });
	const ds = durations(n, 1000, 2000);
	const started = Date.now();
	await Promise.all(
		Array.from(
			{ length: k },
			async () => await isolateBatch(sim, ds, { nodeOptions: { maxTasksInFlight: n } }),
		),
	);
	const wallMs = Date.now() - started;
	const stats = sim.stats();
	await sim.close();
	const requests = stats.creates + stats.gets + stats.rateLimited;
	const bucket = (50 - 10) * 5 + 1;
	const rateFloorMs = Math.max(requests / 50, (requests - bucket) / 10) * 1000;
	const floorMs = Math.round(Math.max(rateFloorMs, Math.max(...ds) + 1000));
	return {
		k,
		n,
		rateLimited429: stats.rateLimited,
		tasksCreated: stats.creates,
		requests,
		wallMs,
		floorMs,
		ratioToFloor: +(wallMs / floorMs).toFixed(2),
	};
}

/**
 * API requests per task of one batch of 10 tasks (2–20 s) in each Wait Mode, at the node's default
 * options. Poll: the adaptive schedule, polls capped at the 5 s Poll Interval. Resume on Webhook:
 * the execution waits, and every callback the simulator sends to the resume URL is handed to the
 * node's webhook() in arrival order (as n8n does) until the execution resumes.
 */
async function requestsPerTaskByWaitMode() {
	const ds = durations(10, 2000, 20000);
	const items = ds.map((ms, i) => ({ json: { description: `Voice ${i} [sim:duration=${ms}]` } }));
	const parameters = {
		resource: 'audioIsolation',
		operation: 'isolate',
		description: '={{ $json.description }}',
		inputType: 'audio',
		inputSource: 'url',
		url: 'https://example.com/episode.mp3',
		waitForCompletion: true,
		downloadResult: true,
	};
	const credentials = { apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET };
	const sim = await createSimulator({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET });
	const receiver = await startCallbackReceiver();
	const perTask = () => {
		const stats = sim.stats();
		return +((stats.creates + stats.gets + stats.rateLimited) / ds.length).toFixed(2);
	};
	try {
		const poll = await runNode({
			nodeType: new Freepik(),
			credentialTypes: { freepikApi: new FreepikApi() },
			credentials: { freepikApi: { ...credentials, apiHost: 'custom', baseUrl: sim.apiUrl } },
			parameters: { ...parameters, waitMode: 'poll' },
			items,
		});
		const pollDone = poll.items.filter((it) => it.json.status === 'COMPLETED' && it.binary).length;
		const pollPerTask = perTask();
		sim.reset();

		const nodeType = new Freepik();
		/** @type {Awaited<ReturnType<typeof runNode>> & { status?: string }} */
		const waiting = await runNode({
			nodeType,
			credentialTypes: { freepikApi: new FreepikApi() },
			credentials: { freepikApi: { ...credentials, apiHost: 'custom', baseUrl: sim.apiUrl } },
			parameters: { ...parameters, waitMode: 'webhook' },
			items,
			resumeToken: RESUME_TOKEN,
			additionalData: {
				webhookWaitingBaseUrl: `${receiver.base}/webhook-waiting`,
				formWaitingBaseUrl: `${receiver.base}/form-waiting`,
			},
		});
		if (waiting.status !== 'waiting')
			throw new Error(`resume run ended ${waiting.status}: ${waiting.error?.message}`);
		let resumed = [];
		for (let n = 0; resumed.length === 0; n++) {
			const callback = await receiver.next(() => true, n, Math.max(...ds) + 10_000);
			resumed = (await deliverCallback(waiting, nodeType, callback)).items;
		}
		const resumeDone = resumed.filter((it) => it.json.status === 'COMPLETED' && it.binary).length;
		return {
			n: ds.length,
			durationsMs: ds,
			poll: { requestsPerTask: pollPerTask, completedWithWav: pollDone },
			webhook: {
				requestsPerTask: perTask(),
				completedWithWav: resumeDone,
				callbacksReceived: receiver.received.length,
			},
		};
	} finally {
		await receiver.close();
		await sim.close();
	}
}

/** The simulator runs in its own process here, so the CPU time measured is the node's alone. */
async function overheadPerItem() {
	const child = spawn(
		process.execPath,
		[path.join(__dirname, '../simulator/cli.js'), '--api-key', API_KEY],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	const sim = await new Promise((resolve, reject) => {
		child.stdout.once('data', (d) => resolve(JSON.parse(String(d).split('\n')[0])));
		child.once('exit', () => reject(new Error('simulator exited')));
	});
	try {
		const n = 1000;
		const nodeOptions = {
			averageRequestsPerSecond: 1000,
			burstRequestsPerSecond: 1000,
			maxTasksInFlight: 100,
		};
		await isolateBatch(sim, new Array(50).fill(1000), { wait: false, nodeOptions }); // warm-up
		const cpuBefore = process.cpuUsage();
		const { ms } = await isolateBatch(sim, new Array(n).fill(1000), { wait: false, nodeOptions });
		const cpu = process.cpuUsage(cpuBefore);
		return {
			n,
			cpuMsPerItem: +((cpu.user + cpu.system) / 1000 / n).toFixed(3),
			wallMsPerItemWithLoopbackServer: +(ms / n).toFixed(3),
		};
	} finally {
		child.kill('SIGTERM');
	}
}

/**
 * Memory is measured in a child process so the simulator and earlier scenarios do not blur it.
 * Its TMPDIR is the bench's scratch folder, so n8n's binary store lands there and is deleted after.
 */
function memoryProbe(scenario, sim, scratch, args = []) {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				'--expose-gc',
				path.join(__dirname, 'memory-probe.js'),
				scenario,
				sim.apiUrl,
				API_KEY,
				...args,
			],
			{ stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: scratch } },
		);
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
		child.on('exit', (code) => {
			clearTimeout(timer);
			for (const entry of fs.readdirSync(scratch))
				if (entry.startsWith('freepik-binary-'))
					fs.rmSync(path.join(scratch, entry), { recursive: true, force: true });
			try {
				resolve(JSON.parse(/** @type {string} */ (out.trim().split('\n').pop())));
			} catch {
				reject(new Error(`memory probe ${scenario} failed (exit ${code}): ${out}`));
			}
		});
	});
}

const MB = 1024 * 1024;

/** Writes an input file of `mb` MB (a pseudo-random 1 MB block, repeated) and returns its SHA-256. */
function writeInput(file, mb) {
	let seed = 7;
	const block = Buffer.alloc(MB);
	for (let i = 0; i < MB; i++) block[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16;
	const hash = crypto.createHash('sha256');
	const fd = fs.openSync(file, 'w');
	try {
		for (let i = 0; i < mb; i++) {
			block.writeUInt32LE(i, 0); // every MB differs, so a repeated or skipped chunk shows
			fs.writeSync(fd, block);
			hash.update(block);
		}
	} finally {
		fs.closeSync(fd);
	}
	return hash.digest('hex');
}

/**
 * Uploads: the simulator decodes every body and hashes it; each probe must create exactly its
 * tasks, every one with the input file's SHA-256.
 */
async function uploadProbe(sim, scratch, inputs, mb, scenario, count = 1) {
	sim.reset();
	const input = inputs[mb];
	const warmUp = inputs[50];
	const args = [input.file, String(count), warmUp.file];
	const report = await memoryProbe(scenario, sim, scratch, args);
	if (report.error) throw new Error(`${scenario}: ${report.error}`);
	console.error(`probe ${JSON.stringify(report)}`); // progress: a run takes minutes
	// The probe's warm-up upload (the 50 MB file) comes first; the throughput probe sends 4 bodies.
	const expected =
		scenario === 'throughput' ? [1, 2, 3, 4].map(() => input.sha256) : [warmUp.sha256];
	if (scenario !== 'throughput') for (let i = 0; i < count; i++) expected.push(input.sha256);
	if (scenario === 'upload-memory') expected.push(input.sha256); // measured twice, see the probe
	const received = sim
		.requestsTo('create')
		.filter((r) => r.status === 200)
		.map((r) => r.input?.sha256);
	if (JSON.stringify(received.sort()) !== JSON.stringify(expected.sort()))
		throw new Error(`${scenario}: the simulator received ${received.length} files, not as sent`);
	return { ...report, createsWithFileSha256: expected.length };
}

/**
 * Input files are real (not sparse) so the file is read from disk, written once per size into a
 * scratch folder under the OS temp dir and deleted at the end; the run refuses to start with less
 * than 6 GB free (the largest moment: the 1 GB input plus its copy in n8n's store, or 200 MB plus
 * 12 copies).
 */
async function memory() {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'freepik-bench-'));
	const free = fs.statfsSync(scratch);
	if (free.bavail * free.bsize < 6 * 1024 * MB)
		throw new Error(`bench needs 6 GB free in ${scratch} for its input files`);
	const sim = await createSimulator({
		apiKey: API_KEY,
		resultBytes: 200 * MB,
		taskDurationMs: 200,
		maxBodyBytes: 1536 * MB,
	});
	try {
		const inputs = {};
		for (const mb of [50, 200, 1024]) {
			const file = path.join(scratch, `in-${mb}.wav`);
			inputs[mb] = { file, sha256: writeInput(file, mb) };
		}
		const download = await memoryProbe('download', sim, scratch);
		if (download.error) throw new Error(`download: ${download.error}`);
		const uploadFs = [];
		for (const mb of [50, 200, 1024])
			uploadFs.push(await uploadProbe(sim, scratch, inputs, mb, 'upload-filesystem'));
		const uploadMem = await uploadProbe(sim, scratch, inputs, 50, 'upload-memory');
		const uploadBatch = await uploadProbe(sim, scratch, inputs, 200, 'upload-filesystem', 12);
		const throughput = await uploadProbe(sim, scratch, inputs, 200, 'throughput');
		return { download, uploadFs, uploadMem, uploadBatch, throughput };
	} finally {
		await sim.close();
		fs.rmSync(scratch, { recursive: true, force: true });
	}
}

function memoryRows(mem) {
	const fsRows = mem.uploadFs.map((probe) => [
		`${probe.fileMB} MB binary input, filesystem mode: peak RSS growth`,
		`${probe.peakGrowthMB} MB (${probe.wallMs} ms)`,
		'<= 32 MB',
	]);
	const { uploadMem: m, uploadBatch: b, throughput: t } = mem;
	return [
		[
			'200 MB result download, filesystem mode: peak RSS growth',
			`${mem.download.peakGrowthMB} MB`,
			'<= 64 MB',
		],
		...fsRows,
		[
			`${m.fileMB} MB binary input, memory mode: growth beyond n8n's base64 copy`,
			`${m.peakGrowthMB} MB = ${m.ratioToFile}x file`,
			'<= 0.2x',
		],
		[
			'  same, spent chunks left to V8 (not yet collected, <= 32 MB)',
			`${m.rawPeakGrowthMB} MB = ${m.rawRatioToFile}x file`,
			'info',
		],
		[
			`${b.items} x ${b.fileMB} MB binary inputs, filesystem mode, 2 upload slots: peak RSS growth`,
			`${b.peakGrowthMB} MB, ${b.tasksCreated} created, ${b.createsWithFileSha256} intact`,
			'<= 64 MB, 12',
		],
		[
			`${t.fileMB} MB upload to the loopback simulator: streamed / buffered`,
			`${t.streamedMBps} / ${t.bufferedMBps} MB/s = ${t.ratio}x`,
			'>= 1',
		],
	];
}

async function memoryOnly() {
	const mem = await memory();
	for (const [what, value, target] of memoryRows(mem))
		console.log(`${what.padEnd(78)}  ${value.padEnd(44)}  target ${target}`);
	console.log(JSON.stringify({ cores: os.cpus().length, node: process.version, memory: mem }));
}

(async () => {
	// `node --expose-gc bench/run.js memory`: only the memory and upload rows (after a build).
	if (process.argv[2] === 'memory') return await memoryOnly().then(() => process.exit(0));
	const started = Date.now();
	const batch = await batchVsSequential();
	const limited = await rateLimitedBatch();
	const concurrent = await concurrentExecutions();
	const overhead = await overheadPerItem();
	const modes = await requestsPerTaskByWaitMode();
	// Last: its uploads take minutes on a loaded machine and are not bound by the time budget above.
	const mem = await memory();
	const rows = [
		[
			'batch N=30, 1-4 s tasks, poll 1 s: wall / ideal',
			`${batch.batchMs} ms / ${batch.idealMs} ms = ${batch.ratioToIdeal}`,
			'<= 1.3',
		],
		[
			'  vs sequential per-item (same run)',
			`${batch.sequentialMs} ms -> ${batch.speedupVsSequential}x faster`,
			'>= 5x',
		],
		[
			'  vs plain 10/s token bucket',
			`${batch.plain10PerSecondBucketMs} ms -> ${batch.speedupVsPlainBucket}x faster`,
			'info',
		],
		['batch N=200 vs simulator at 10/s avg, 50 burst: 429s', String(limited.rateLimited429), '0'],
		[
			'  requests per task (bound 2 + ceil(d/poll))',
			`${limited.requestsPerTask} (bound ${limited.requestsPerTaskBound})`,
			'<= bound',
		],
		[
			'  achieved submit rate',
			`${limited.submitRatePerSecond} tasks/s, wall ${limited.wallMs} ms`,
			'info',
		],
		[
			`${concurrent.k} executions x ${concurrent.n} tasks at once, one key: 429s`,
			String(concurrent.rateLimited429),
			'<= 2',
		],
		[
			'  tasks created / wall vs rate-limit floor',
			`${concurrent.tasksCreated} / ${concurrent.wallMs} ms vs ${concurrent.floorMs} ms = ${concurrent.ratioToFloor}`,
			`${concurrent.k * concurrent.n} / info`,
		],
		...memoryRows(mem),
		[
			`${modes.n} tasks of 2-20 s, default options: requests per task, Poll`,
			`${modes.poll.requestsPerTask} (${modes.poll.completedWithWav}/${modes.n} with WAV)`,
			'info',
		],
		[
			'  same batch, Resume on Webhook',
			`${modes.webhook.requestsPerTask} (${modes.webhook.completedWithWav}/${modes.n} with WAV, ${modes.webhook.callbacksReceived} callbacks)`,
			'<= 2',
		],
		[
			'node overhead per item: CPU in the n8n process (1000 items)',
			`${overhead.cpuMsPerItem} ms (wall ${overhead.wallMsPerItemWithLoopbackServer} ms incl. server)`,
			'< 2 ms',
		],
	];
	const width = Math.max(...rows.map((r) => r[0].length));
	console.log(
		`\nFreepik node benchmark — ${os.cpus().length} cores, Node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s\n`,
	);
	for (const [what, value, target] of rows)
		console.log(`${what.padEnd(width)}  ${value.padEnd(44)}  target ${target}`);
	console.log(
		JSON.stringify({
			cores: os.cpus().length,
			node: process.version,
			batch,
			limited,
			concurrent,
			memory: mem,
			overhead,
			waitModes: modes,
		}),
	);
	process.exit(0);
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
