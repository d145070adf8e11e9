// @ts-check
'use strict';
/**
 * Child process of bench/run.js: runs one large-file scenario and reports its peak RSS growth.
 * argv: scenario apiUrl apiKey [inputPath itemCount warmUpPath]
 * - download: a 200 MB result streamed into the filesystem binary store.
 * - upload-filesystem / upload-memory: `itemCount` binary items of the file at inputPath.
 * - throughput: the same body sent streamed and buffered (see below), best of two each.
 */
const fs = require('fs');
const { runNode, useBinaryMode } = require('../harness/n8n-harness');
const { Freepik } = require('../dist/nodes/Freepik/Freepik.node');
const { FreepikApi } = require('../dist/credentials/FreepikApi.credentials');

const [scenario, apiUrl, apiKey, inputPath, count, warmUpPath] = process.argv.slice(2);
const MB = 1024 * 1024;
const UPLOAD_SLOTS = 2;
let baseline = 0;
let peak = 0;

function isolateParameters(upload, itemCount) {
	return {
		resource: 'audioIsolation',
		operation: 'isolate',
		description: 'A person speaking',
		inputType: 'audio',
		...(upload
			? { inputSource: 'binary', binaryPropertyName: 'data', waitForCompletion: false }
			: {
					inputSource: 'url',
					url: 'https://example.com/long.wav',
					waitForCompletion: true,
					downloadResult: true,
				}),
		options: { pollInterval: 1 },
		tuning: itemCount > 1 ? { maxParallelUploads: UPLOAD_SLOTS } : {},
	};
}

/**
 * Filesystem mode: every item is the file streamed into n8n's store (like a Read File node).
 * Memory mode: the file is read into a Buffer; n8n keeps it as a base64 string on the item.
 */
const FILE = { fileName: 'in.wav', mimeType: 'audio/wav' };

function inputItems(mode, itemCount, file) {
	const buffer = mode === 'default' ? fs.readFileSync(file) : undefined;
	return Array.from({ length: itemCount }, () => ({
		json: {},
		binary: { data: { ...FILE, data: buffer ?? fs.createReadStream(file) } },
	}));
}

/**
 * The bench's own Buffer of the file (memory mode) once n8n has taken its base64 copy: dropped
 * before the baseline. Kept, it could die mid-run and hide up to the file's size of growth.
 */
function dropSourceBuffers(items) {
	for (const item of items) if (item.binary) item.binary.data.data = undefined;
}

/**
 * Runs `items` and returns the peak RSS growth (MB) from the Freepik node's start and the tasks
 * created. With `collectYoung`, each sample is taken after a young-generation GC: spent chunk
 * buffers then count only until V8 could free them, not until V8 chooses to (see README).
 */
async function measured(run, items, collectYoung = false) {
	peak = 0;
	const sample = () => {
		if (collectYoung) /** @type {NodeJS.GCFunction} */ (global.gc)({ type: 'minor' });
		peak = Math.max(peak, process.memoryUsage().rss);
	};
	const sampler = setInterval(sample, collectYoung ? 20 : 5);
	try {
		const result = await run(items);
		sample();
		if (result.error) throw new Error(result.error.message);
		const tasksCreated = result.items.filter((item) => item.json.task_id).length;
		const downloadedBytes = result.items[0]?.binary?.data?.bytes;
		return { growthMB: (peak - baseline) / MB, tasksCreated, downloadedBytes };
	} finally {
		clearInterval(sampler);
	}
}

async function probe() {
	const upload = scenario !== 'download';
	const itemCount = upload ? Number(count) : 1;
	const mode = scenario === 'upload-memory' ? 'default' : 'filesystem';
	await useBinaryMode(mode);
	const nodeType = new Freepik();
	const execute = nodeType.execute;
	let current = [];
	// The baseline is taken as the Freepik node starts: the input is then already in n8n's store
	// (filesystem mode) or on the item as base64 (memory mode), as when an upstream node made it.
	nodeType.execute = async function (...args) {
		dropSourceBuffers(current);
		/** @type {NodeJS.GCFunction} */ (global.gc)();
		baseline = peak = process.memoryUsage().rss;
		return await execute.apply(this, args);
	};
	const run = async (items) =>
		await runNode({
			nodeType,
			credentialTypes: { freepikApi: new FreepikApi() },
			credentials: { freepikApi: { apiKey, apiHost: 'custom', baseUrl: apiUrl } },
			binaryMode: mode,
			parameters: isolateParameters(upload, items.length),
			items: (current = items),
		});
	const itemsOf = (file, n) => (upload ? inputItems(mode, n, file) : [{ json: {} }]);
	// Warm-up: one upload of the file at warmUpPath first, measured apart (`coldGrowthMB`): code
	// loaded on first use and V8's young generation growing to its working size happen once per
	// process, not per upload. A running n8n has done both long before.
	const cold = upload ? await measured(run, itemsOf(warmUpPath, 1)) : undefined;
	const started = Date.now();
	const measuredRun = await measured(run, itemsOf(inputPath, itemCount));
	const wallMs = Date.now() - started;
	// Memory mode: the same upload again, spent chunks collected as the samples are taken.
	const live = mode === 'default' ? await measured(run, itemsOf(inputPath, 1), true) : undefined;
	const fileBytes = upload ? fs.statSync(inputPath).size : 0;
	const growth = live ? live.growthMB : measuredRun.growthMB;
	const mb = (value) => (value === undefined ? undefined : +value.toFixed(1));
	return {
		scenario,
		fileMB: upload ? +(fileBytes / MB).toFixed(1) : undefined,
		items: itemCount,
		wallMs,
		peakGrowthMB: mb(growth),
		rawPeakGrowthMB: live ? mb(measuredRun.growthMB) : undefined,
		coldGrowthMB: mb(cold?.growthMB),
		ratioToFile: upload ? +(growth / (fileBytes / MB)).toFixed(3) : undefined,
		rawRatioToFile: live ? +(measuredRun.growthMB / (fileBytes / MB)).toFixed(3) : undefined,
		tasksCreated: measuredRun.tasksCreated + (live ? live.tasksCreated : 0),
		downloadedBytes: upload ? undefined : measuredRun.downloadedBytes,
	};
}

/**
 * Upload throughput: one body of the file at inputPath sent to the simulator through axios (the
 * client under n8n's HTTP helper), (a) streamed by the node's UploadBody, (b) buffered the way
 * 0.1.0 did (the whole JSON built in one buffer, then sent). Each timed from reading the file to
 * the answer; best of two, alternating.
 */
async function throughput() {
	const axios = require('axios');
	const { uploadBody } = require('../dist/nodes/Freepik/helpers/uploadBody');
	const size = fs.statSync(inputPath).size;
	const open = (chunk) => fs.createReadStream(inputPath, { highWaterMark: chunk });
	const ctx = {
		helpers: {
			getBinaryMetadata: async () => ({ fileSize: size }),
			getBinaryStream: async (_id, chunk) => open(chunk),
		},
	};
	const fields = { description: 'throughput' };
	const bodies = {
		streamed: async () =>
			await uploadBody(
				/** @type {any} */ (ctx),
				0,
				'data',
				/** @type {any} */ ({ id: 'bench' }),
				fields,
				'audio',
			),
		buffered: async () => await bufferedBody(open(3 * 16 * 1024), size, fields),
	};
	const best = { streamed: Infinity, buffered: Infinity };
	for (let round = 0; round < 2; round++) {
		for (const kind of ['buffered', 'streamed']) {
			const started = process.hrtime.bigint();
			const response = await axios.post(`${apiUrl}/v1/ai/audio-isolation`, await bodies[kind](), {
				headers: { 'content-type': 'application/json', 'x-freepik-api-key': apiKey },
				maxBodyLength: Infinity,
				maxRedirects: 0,
				validateStatus: () => true,
			});
			if (response.status !== 200) throw new Error(`${kind}: HTTP ${response.status}`);
			best[kind] = Math.min(best[kind], Number(process.hrtime.bigint() - started) / 1e6);
		}
	}
	const mbPerS = (ms) => +(size / MB / (ms / 1000)).toFixed(1);
	return {
		scenario,
		fileMB: +(size / MB).toFixed(1),
		streamedMBps: mbPerS(best.streamed),
		bufferedMBps: mbPerS(best.buffered),
		ratio: +(best.buffered / best.streamed).toFixed(2),
	};
}

/** 0.1.0's jsonBodyWithBase64File: the whole body in one pre-sized buffer. */
async function bufferedBody(chunks, size, fields) {
	const prefix = `${JSON.stringify(fields).slice(0, -1)},"audio":"`;
	const body = Buffer.allocUnsafe(Buffer.byteLength(prefix) + Math.ceil(size / 3) * 4 + 2);
	let at = body.write(prefix, 0, 'utf8');
	let carry = Buffer.alloc(0);
	for await (const chunk of chunks) {
		const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
		const whole = bytes.length - (bytes.length % 3);
		at += body.write(bytes.subarray(0, whole).toString('base64'), at, 'ascii');
		carry = Buffer.from(bytes.subarray(whole));
	}
	if (carry.length) at += body.write(carry.toString('base64'), at, 'ascii');
	at += body.write('"}', at, 'utf8');
	return body.subarray(0, at);
}

(async () => {
	const report = scenario === 'throughput' ? await throughput() : await probe();
	console.log(JSON.stringify(report));
	process.exit(0);
})().catch((error) => {
	console.log(JSON.stringify({ scenario, error: error.message }));
	process.exit(1);
});
