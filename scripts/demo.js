#!/usr/bin/env node
// @ts-check
'use strict';
// npm run demo: isolate the "voice" in a generated WAV with the Freepik node inside a real,
// headless n8n, and write the result to ./output/. Works on a fresh clone (installs and builds
// what is missing). Uses the local Freepik API simulator unless FREEPIK_API_KEY is set.
//   FREEPIK_API_KEY=...  use the real API (https://api.freepik.com; creates a billable task)
//   N8N_LINE=1           use n8n 1.x instead of 2.x
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const H = require('../harness/n8n-headless');
const { toneWav, isWav } = require('../simulator/wav');

const EXAMPLE = path.join(H.REPO, 'examples', 'demo-isolate-file.json');
const OUTPUT_DIR = path.join(H.REPO, 'output');
const OUTPUT_FILE = path.join(OUTPUT_DIR, 'isolated-voice.wav');
const CREDENTIAL = { id: 'fpDemoCredentia1', name: 'Freepik account' };

const say = (msg) => console.log(`[demo] ${msg}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
	const realKey = process.env.FREEPIK_API_KEY;
	const timings = {};
	let t = Date.now();
	await H.ensureBuilt();
	timings.build = Date.now() - t;

	t = Date.now();
	say('provisioning n8n (cached after the first run)...');
	const runtime = await H.provision();
	timings.provision = Date.now() - t;
	say(`n8n ${runtime.version} ready`);

	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'freepik-demo-'));
	const io = path.join(root, 'io');
	fs.mkdirSync(io);
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	const n8n = new H.N8n({
		runtime,
		userFolder: path.join(root, 'n8n'),
		fileAccess: [io, OUTPUT_DIR],
	});
	let sim;
	try {
		let api;
		if (realKey) {
			console.log('\n' + '!'.repeat(78));
			say('FREEPIK_API_KEY is set: using the REAL Freepik API at https://api.freepik.com.');
			say('This creates a real (billable) audio isolation task.');
			console.log('!'.repeat(78) + '\n');
			api = { apiKey: realKey, apiHost: 'freepik' };
		} else {
			sim = await H.startSimulator(['--task-duration-ms', '1500']);
			say(
				`using the local Freepik API simulator at ${sim.apiUrl} (set FREEPIK_API_KEY to use the real API)`,
			);
			api = { apiKey: sim.apiKey, apiHost: 'custom', baseUrl: sim.apiUrl };
		}

		const input = path.join(io, 'input.wav');
		fs.writeFileSync(input, toneWav({ seconds: 2, freq: 220 }));
		fs.rmSync(OUTPUT_FILE, { force: true });

		t = Date.now();
		const { typePrefix } = await H.packAndInstall(n8n.userFolder);
		await n8n.importCredentials([{ ...CREDENTIAL, type: 'freepikApi', data: api }]);
		const workflow = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
		for (const node of workflow.nodes) {
			if (node.name === 'Read input audio') node.parameters.fileSelector = input;
			if (node.name === 'Write isolated audio') node.parameters.fileName = OUTPUT_FILE;
		}
		await n8n.importWorkflows([H.withTypePrefix(workflow, typePrefix)]);
		timings.setup = Date.now() - t;

		say(`running workflow "${workflow.name}" with n8n execute...`);
		const run = await n8n.execute(workflow.id, { timeoutMs: realKey ? 15 * 60e3 : 120e3 });
		timings.execute = run.ms;

		const [item] = H.nodeItems(run.output, 'Isolate voice') ?? [];
		const error = H.executionError(run.output);
		if (run.exitCode !== 0 || !item) {
			if (error)
				throw new Error(
					`the workflow failed: ${error.message}${error.description ? `\n  ${error.description}` : ''}`,
				);
			const why = run.timedOut ? 'n8n timed out' : `n8n exited with ${run.exitCode}`;
			throw new Error(
				`the workflow failed (${why})\n--- n8n output (end) ---\n${(run.stdout + run.stderr).slice(-3000)}`,
			);
		}
		say(`task ${item.json.task_id}: ${item.json.status}`);
		if (!fs.existsSync(OUTPUT_FILE))
			throw new Error(`the workflow ran but wrote no ${OUTPUT_FILE}`);
		const out = fs.readFileSync(OUTPUT_FILE);
		if (!isWav(out))
			throw new Error(
				`${OUTPUT_FILE} is not a WAV file (starts with ${JSON.stringify(out.subarray(0, 12).toString('latin1'))})`,
			);

		say(
			`isolated audio: ${path.relative(process.cwd(), OUTPUT_FILE) || OUTPUT_FILE} (${out.length} bytes, RIFF/WAVE)`,
		);
		say(
			`timings: build ${secs(timings.build)}, provision ${secs(timings.provision)}, install+import ${secs(timings.setup)}, execute ${secs(timings.execute)}`,
		);
	} finally {
		if (sim) await sim.stop();
		fs.rmSync(root, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(err) => {
		console.error(`\n[demo] FAILED: ${err.message}`);
		process.exit(1);
	},
);
