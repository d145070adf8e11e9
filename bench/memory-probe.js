'use strict';
/** Child process of bench/run.js: runs one large-file scenario and reports its peak RSS growth. */
const { runNode, useBinaryMode } = require('../harness/n8n-harness');
const { Freepik } = require('../dist/nodes/Freepik/Freepik.node');
const { FreepikApi } = require('../dist/credentials/FreepikApi.credentials');

const [scenario, apiUrl, apiKey] = process.argv.slice(2);
const MB = 1024 * 1024;

(async () => {
	const fileBytes = 50 * MB;
	// upload-batch: 12 binary items of 50 MB at once (one buffer reused, so the inputs cost 50 MB before the baseline).
	const itemCount = scenario === 'upload-batch' ? 12 : 1;
	const uploadSlots = 2;
	const mode = scenario === 'upload-memory' ? 'default' : 'filesystem';
	await useBinaryMode(mode);
	const input = scenario.startsWith('upload') ? Buffer.alloc(fileBytes, 7) : undefined;
	global.gc();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
	const result = await runNode({
		nodeType: new Freepik(),
		credentialTypes: { freepikApi: new FreepikApi() },
		credentials: { freepikApi: { apiKey, apiHost: 'custom', baseUrl: apiUrl } },
		binaryMode: mode,
		parameters: {
			resource: 'audioIsolation',
			operation: 'isolate',
			description: 'A person speaking',
			inputType: 'audio',
			...(input
				? { inputSource: 'binary', binaryPropertyName: 'data', waitForCompletion: false }
				: {
						inputSource: 'url',
						url: 'https://example.com/long.wav',
						waitForCompletion: true,
						downloadResult: true,
					}),
			options: { pollInterval: 1 },
			tuning: itemCount > 1 ? { maxParallelUploads: uploadSlots } : {},
		},
		items: Array.from({ length: itemCount }, () =>
			input
				? { json: {}, binary: { data: { data: input, fileName: 'in.wav', mimeType: 'audio/wav' } } }
				: { json: {} },
		),
	});
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	if (result.error) throw new Error(result.error.message);
	const growth = (peak - baseline) / MB;
	const downloaded = result.items[0].binary?.data?.bytes;
	console.log(
		JSON.stringify({
			scenario,
			peakGrowthMB: +growth.toFixed(1),
			ratioToFile: input ? +(growth / (fileBytes / MB)).toFixed(2) : undefined,
			items: itemCount > 1 ? itemCount : undefined,
			tasksCreated:
				itemCount > 1 ? result.items.filter((item) => item.json.task_id).length : undefined,
			ratioToSlotsTimesFile:
				itemCount > 1 ? +(growth / ((uploadSlots * fileBytes) / MB)).toFixed(2) : undefined,
			downloadedBytes: downloaded,
		}),
	);
	process.exit(0);
})().catch((error) => {
	console.log(JSON.stringify({ scenario, error: error.message }));
	process.exit(1);
});
