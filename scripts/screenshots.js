#!/usr/bin/env node
// @ts-check
'use strict';
// README screenshots: starts a throw-away copy of the `npm run dev` environment (real n8n 2.x with
// this package installed, the Freepik API simulator, a credential pointing at it, the owner account
// dev.js creates), drives the editor with headless Chromium (playwright-core) and writes PNGs to
// docs/screenshots/:
//   isolate-node.png           Freepik node, operation Isolate, input from a URL
//   isolate-video-options.png  the same with Input Type Video and video options added
//   workflow-run.png           the demo workflow (Read file -> Freepik -> Write file) after a test
//                              run from the editor's "Execute workflow" button, against the simulator
//   trigger-node.png           Freepik Trigger with its webhook URLs and notice
//   agent-tool.png             examples/agent-isolate.json: the Freepik tool of an AI Agent, with
//                              its default Tool Description and $fromAI fields
//
//   node scripts/screenshots.js [--only name,name] [--port N] [--keep] [--timeout S]
//     --only      take only these shots (file names without .png)
//     --port      editor port (default: a free port; the shots do not show it)
//     --keep      keep the n8n state in .tmp/screenshots/ (it is deleted otherwise)
//     --timeout   give up after S seconds once n8n is provisioned (default 300)
//   CHROMIUM=/path/to/chromium   browser binary (default /usr/bin/chromium)
//   WEBHOOK_BASE=https://...     base of the webhook URLs shown (default https://n8n.example.com/)
//
// Its own state folder and port, so it does not disturb a running `npm run dev`.
const fs = require('node:fs');
const path = require('node:path');
const H = require('../harness/n8n-headless');
const { CLEANUP_CSS, assertBrowser, openEditor, saveScreenshot } = require('./lib/editor-browser');
const { toneWav } = require('../simulator/wav');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

const OUT = path.join(H.REPO, 'docs', 'screenshots');
const STATE = path.join(H.REPO, '.tmp', 'screenshots');
const FILES = path.join(STATE, 'files');
const WEBHOOK_BASE = process.env.WEBHOOK_BASE || 'https://n8n.example.com/';
const TIMEOUT_S = Number(option('--timeout', 300));
const ONLY = option('--only', '')
	.split(',')
	.map((s) => s.trim().replace(/\.png$/, ''))
	.filter(Boolean);
const VIEWPORT = { width: 1440, height: 900 };

// Same login and webhook secret as scripts/dev.js.
const { DEV_OWNER: OWNER, DEV_WEBHOOK_SECRET: WEBHOOK_SECRET } = require('./lib/dev-account');
const CREDENTIAL = { id: 'fpShotsCredent01', name: 'Freepik account' };

const started = Date.now();
let gaveUp = false; // the watchdog fired: it reports and exits
const say = (msg) =>
	console.log(`[screenshots ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

// ---------------------------------------------------------------- workflows

const FREEPIK = `${H.REGISTRY_PREFIX}freepik`;
const FREEPIK_TRIGGER = `${H.REGISTRY_PREFIX}freepikTrigger`;
const credentials = { freepikApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } };

function manualTo(id, name, node) {
	const trigger = 'When clicking ‘Execute workflow’';
	return {
		id,
		name,
		nodes: [
			{
				id: `${id}-t`,
				name: trigger,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{ id: `${id}-f`, type: FREEPIK, typeVersion: 1, position: [260, 0], credentials, ...node },
		],
		connections: { [trigger]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const ISOLATE_URL = manualTo(
	'fpShotIsolate001',
	'Freepik: isolate the voice in a podcast episode',
	{
		name: 'Isolate voice',
		parameters: {
			resource: 'audioIsolation',
			operation: 'isolate',
			description: 'A person speaking',
			inputType: 'audio',
			inputSource: 'url',
			url: 'https://example.com/podcast/episode-42.mp3',
			waitForCompletion: true,
			downloadResult: true,
			options: {},
		},
	},
);

const ISOLATE_VIDEO = manualTo('fpShotVideo00001', 'Freepik: isolate the guitar in a video', {
	name: 'Isolate guitar',
	parameters: {
		resource: 'audioIsolation',
		operation: 'isolate',
		description: 'The acoustic guitar',
		inputType: 'video',
		inputSource: 'url',
		url: 'https://example.com/rehearsal/take-3.mp4',
		waitForCompletion: true,
		downloadResult: true,
		options: { x1: 320, y1: 180, x2: 960, y2: 720, sampleFps: 3 },
	},
});

const TRIGGER = {
	id: 'fpShotTrigger001',
	name: 'Freepik: react to finished tasks',
	nodes: [
		{
			id: 'fpShotTrigger001-t',
			name: 'Freepik Trigger',
			type: FREEPIK_TRIGGER,
			typeVersion: 1,
			position: [0, 0],
			webhookId: '6d0f5c1e-4b7a-4f8e-9c3d-2a1b0e9f8d7c',
			parameters: {
				events: ['COMPLETED', 'FAILED'],
				downloadResult: true,
				outputBinaryPropertyName: 'data',
				options: {},
			},
			credentials,
		},
		{
			id: 'fpShotTrigger001-n',
			name: 'Handle result',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [260, 0],
			parameters: {},
		},
	],
	connections: {
		'Freepik Trigger': { main: [[{ node: 'Handle result', type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1' },
	pinData: {},
};

function demoWorkflow() {
	const wf = JSON.parse(
		fs.readFileSync(path.join(H.REPO, 'examples', 'demo-isolate-file.json'), 'utf8'),
	);
	for (const node of wf.nodes) {
		if (node.credentials?.freepikApi) node.credentials.freepikApi = credentials.freepikApi;
		for (const key of ['fileSelector', 'fileName']) {
			if (typeof node.parameters[key] === 'string')
				node.parameters[key] = node.parameters[key].replace('/home/node/.n8n-files/freepik', FILES);
		}
	}
	return wf;
}

/** examples/agent-isolate.json with this run's credentials (the OpenAI one is never used: nothing runs). */
const OPENAI_CREDENTIAL = { id: 'fpDemoOpenAiCred', name: 'OpenAI account' };
function agentWorkflow() {
	const wf = JSON.parse(
		fs.readFileSync(path.join(H.REPO, 'examples', 'agent-isolate.json'), 'utf8'),
	);
	for (const node of wf.nodes) {
		if (node.credentials?.freepikApi) node.credentials.freepikApi = credentials.freepikApi;
		if (node.credentials?.openAiApi) node.credentials.openAiApi = OPENAI_CREDENTIAL;
	}
	return wf;
}

// ---------------------------------------------------------------- editor helpers

async function openWorkflow(page, base, id) {
	await page.goto(`${base}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	if (/\/signin/.test(page.url()))
		throw new Error('redirected to the sign-in page: login did not stick');
	await page
		.locator('[data-test-id="canvas-node"]')
		.first()
		.waitFor({ state: 'visible', timeout: 60e3 });
	await page.addStyleTag({ content: CLEANUP_CSS });
	await dismissToasts(page);
}

async function dismissToasts(page) {
	for (const close of await page.locator('.el-notification .el-notification__closeBtn').all()) {
		await close.click({ timeout: 2000 }).catch(() => {});
	}
	await page
		.locator('.el-notification')
		.first()
		.waitFor({ state: 'detached', timeout: 5000 })
		.catch(() => {});
}

/** Fail on visible error toasts (the shots must not show one). */
async function assertNoErrorToast(page, what) {
	const errors = page.locator(
		'.el-notification--error, .el-notification .el-icon-error, [data-test-id="notification-error"]',
	);
	if (await errors.count()) {
		const text = (await page.locator('.el-notification').allInnerTexts()).join(' | ');
		throw new Error(`${what}: error toast: ${text}`);
	}
}

async function openNode(page, name) {
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	await node.waitFor({ state: 'visible', timeout: 30e3 });
	await node.dblclick();
	await page.locator('[data-test-id="ndv"]').first().waitFor({ state: 'visible', timeout: 30e3 });
	await page
		.locator('[data-test-id="node-credentials-select"], [data-test-id="parameter-input-events"]')
		.first()
		.waitFor({ timeout: 30e3 });
	await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5); // no hover tooltips
	await page.waitForTimeout(600);
}

async function shoot(page, name) {
	await assertNoErrorToast(page, name);
	const file = path.join(OUT, `${name}.png`);
	const kb = await saveScreenshot(page, file);
	say(`wrote ${path.relative(H.REPO, file)} (${kb} KB)`);
}

// ---------------------------------------------------------------- shots

const SHOTS = {
	'isolate-node': async (page, base) => {
		await openWorkflow(page, base, ISOLATE_URL.id);
		await openNode(page, 'Isolate voice');
		await shoot(page, 'isolate-node');
	},

	'isolate-video-options': async (page, base) => {
		await openWorkflow(page, base, ISOLATE_VIDEO.id);
		await openNode(page, 'Isolate guitar');
		// Scroll the parameter list so that Input Type (Video) is at the top and the options below it.
		await page
			.locator('[data-test-id="ndv"] [data-test-id="parameter-input-inputType"]')
			.first()
			.evaluate((el) => {
				const item = el.closest('[data-test-id="parameter-item"]') || el;
				item.scrollIntoView({ block: 'start' });
			});
		await page.waitForTimeout(300);
		await shoot(page, 'isolate-video-options');
	},

	'workflow-run': async (page, base) => {
		await openWorkflow(page, base, 'fpDemoIsolate001');
		await page.locator('[data-test-id="execute-workflow-button"]').first().click();
		// Success: every node shows its success state and n8n reports the run finished.
		const deadline = Date.now() + 90e3;
		for (;;) {
			const total = await page.locator('[data-test-id="canvas-node"]').count();
			const ok = await page.locator('[data-test-id="canvas-node-status-success"]').count();
			const button = await page
				.locator('[data-test-id="execute-workflow-button"]')
				.first()
				.textContent();
			if (ok >= total && !/executing|waiting/i.test(button)) break;
			await assertNoErrorToast(page, 'workflow-run'); // a failing node shows an error toast
			if (Date.now() > deadline)
				throw new Error(`workflow-run: the run did not finish (${ok}/${total} nodes succeeded)`);
			await page.waitForTimeout(500);
		}
		await page.waitForTimeout(800);
		await dismissToasts(page);
		// Open the Logs panel on the Freepik node's run: its output (task, status, WAV) next to the canvas.
		await page.locator('[data-test-id="logs-overview-header"]').first().click();
		const overview = page.locator('[data-test-id="logs-overview-body"]');
		await overview.waitFor({ state: 'visible', timeout: 10e3 });
		await overview.getByText('Isolate voice', { exact: true }).first().click();
		await page
			.locator('[data-test-id="logs-details-body"]')
			.first()
			.waitFor({ state: 'visible', timeout: 10e3 });
		// The output shows the isolated WAV (binary view). Make the panel taller so the whole
		// card is visible: drag its top edge up.
		await page
			.locator('[data-test-id="log-details-output"] [data-test-id="ndv-binary-data_0"]')
			.first()
			.waitFor({ timeout: 10e3 });
		const panel = await page.locator('[data-test-id="logs-panel"]').first().boundingBox();
		await page.mouse.move(panel.x + panel.width / 2, panel.y + 1);
		await page.mouse.down();
		await page.mouse.move(panel.x + panel.width / 2, panel.y - 110, { steps: 10 });
		await page.mouse.up();
		await page.mouse.move(VIEWPORT.width - 5, 80);
		await page.waitForTimeout(800);
		await shoot(page, 'workflow-run');
	},

	'agent-tool': async (page, base) => {
		await openWorkflow(page, base, 'fpAgentIsolate01');
		await openNode(page, 'Isolate Sound');
		await shoot(page, 'agent-tool');
	},

	'trigger-node': async (page, base) => {
		await openWorkflow(page, base, TRIGGER.id);
		await openNode(page, 'Freepik Trigger');
		const toggle = page
			.locator('[data-test-id="ndv"]')
			.getByText('Webhook URLs', { exact: true })
			.first();
		await toggle.click({ timeout: 10e3 });
		// The Production URL is the one to paste into the Freepik node's Webhook URL option.
		await page
			.locator('[data-test-id="ndv"]')
			.getByText('Production URL', { exact: true })
			.first()
			.click({ timeout: 10e3 });
		await page
			.getByText(`${WEBHOOK_BASE}webhook/`)
			.first()
			.waitFor({ state: 'visible', timeout: 10e3 });
		await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
		await page.waitForTimeout(400);
		await shoot(page, 'trigger-node');
	},
};

// ---------------------------------------------------------------- main

async function main() {
	const names = ONLY.length ? ONLY : Object.keys(SHOTS);
	for (const n of names)
		if (!SHOTS[n]) throw new Error(`unknown shot "${n}" (known: ${Object.keys(SHOTS).join(', ')})`);
	assertBrowser();

	const cleanups = [];
	const cleanup = async () => {
		while (cleanups.length)
			await cleanups
				.pop()()
				.catch((e) => say(`cleanup: ${e.message}`));
	};
	let watchdog;
	try {
		// Bounded by their own timeouts in harness/ (the first provisioning of n8n takes minutes).
		await H.ensureBuilt();
		const runtime = await H.provision();
		watchdog = setTimeout(async () => {
			gaveUp = true;
			console.error(`[screenshots] FAILED: gave up after ${TIMEOUT_S} s`);
			await cleanup();
			process.exit(1);
		}, TIMEOUT_S * 1000);
		fs.rmSync(STATE, { recursive: true, force: true });
		if (!flag('--keep'))
			cleanups.push(async () => fs.rmSync(STATE, { recursive: true, force: true }));
		fs.mkdirSync(FILES, { recursive: true });
		fs.writeFileSync(path.join(FILES, 'input.wav'), toneWav({ seconds: 2, freq: 220 }));
		fs.mkdirSync(OUT, { recursive: true });

		const n8n = new H.N8n({ runtime, userFolder: path.join(STATE, 'n8n'), fileAccess: [FILES] });
		await H.packAndInstall(n8n.userFolder);
		const sim = await H.startSimulator([
			'--webhook-secret',
			WEBHOOK_SECRET,
			'--task-duration-ms',
			'1500',
		]);
		cleanups.push(() => sim.stop());
		say(`simulator on ${sim.apiUrl}; importing credential and workflows`);
		await n8n.importCredentials([
			{
				...CREDENTIAL,
				type: 'freepikApi',
				data: {
					apiKey: sim.apiKey,
					apiHost: 'custom',
					baseUrl: sim.apiUrl,
					webhookSecret: WEBHOOK_SECRET,
				},
			},
			{
				...OPENAI_CREDENTIAL,
				type: 'openAiApi',
				data: { apiKey: 'sk-not-used', url: 'http://127.0.0.1:9/v1' },
			},
		]);
		await n8n.importWorkflows([
			ISOLATE_URL,
			ISOLATE_VIDEO,
			TRIGGER,
			demoWorkflow(),
			agentWorkflow(),
		]);

		const port = Number(option('--port', 0)) || (await H.freePort());
		say(`starting n8n ${runtime.version} on http://127.0.0.1:${port} ...`);
		cleanups.push(() => n8n.stop());
		await n8n.start({ port, env: { WEBHOOK_URL: WEBHOOK_BASE } });
		await n8n.setupOwner(OWNER);
		const base = /** @type {NonNullable<typeof n8n.server>} */ (n8n.server).baseUrl;

		const editor = await openEditor({
			base,
			owner: OWNER,
			viewport: VIEWPORT,
			profilePrefix: 'freepik-shots-chromium-',
		});
		cleanups.push(() => editor.close());
		const { context } = editor;
		say('logged in; taking screenshots');

		const failed = [];
		for (const name of names) {
			const page = await context.newPage();
			try {
				await SHOTS[name](page, base);
			} catch (e) {
				failed.push(name);
				const debug = path.join(STATE, `failed-${name}.png`);
				await page.screenshot({ path: debug }).catch(() => {});
				say(
					`${name} FAILED: ${e.message.split('\n')[0]}${flag('--keep') ? ` (page: ${path.relative(H.REPO, debug)})` : ''}`,
				);
			} finally {
				await page.close().catch(() => {});
			}
		}
		if (failed.length) throw new Error(`${failed.length} shot(s) failed: ${failed.join(', ')}`);
		say('done');
	} finally {
		clearTimeout(watchdog);
		await cleanup();
	}
}

main().then(
	() => !gaveUp && process.exit(0),
	(err) => {
		if (gaveUp) return;
		console.error(`[screenshots] FAILED: ${err.message}`);
		process.exit(1);
	},
);
