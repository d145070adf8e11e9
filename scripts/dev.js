#!/usr/bin/env node
// @ts-check
'use strict';
// npm run dev: the n8n editor on http://127.0.0.1:5678 with this package installed from dist/,
// the Freepik API simulator running, and a credential that points at it. Rebuilt files are
// copied into n8n and hot-reloaded (N8N_DEV_RELOAD), so a refresh of the editor shows them.
//   --watch        also run `tsc --watch` (otherwise run `npm run build` yourself)
//   --port N       editor port (default 5678)
//   --fresh        forget the dev instance (owner, workflows, executions) and start over
//   N8N_LINE=1     n8n 1.x instead of 2.x
// State lives in .tmp/dev/ (git-ignored); Ctrl-C stops everything.
const fs = require('node:fs');
const path = require('node:path');
const H = require('../harness/n8n-headless');
const { spawnTracked, stopChild } = require('../harness/proc');
const { EXAMPLES_FOLDER, writeDemoInputs } = require('./lib/dev-files');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

const PORT = Number(option('--port', process.env.N8N_DEV_PORT || 5678));
const LINE = process.env.N8N_LINE || '2';
const STATE = path.join(H.REPO, '.tmp', `dev-n8n${LINE}`);
const FILES = path.join(STATE, 'files'); // the folder Read/Write File may use in the editor
const { DEV_OWNER: OWNER, DEV_WEBHOOK_SECRET: WEBHOOK_SECRET } = require('./lib/dev-account');
const CREDENTIAL = { id: 'fpDevSimulator01', name: 'Freepik (local simulator)' };

const say = (msg) => console.log(`[dev] ${msg}`);

/** Copy package.json + dist/ into n8n's community-package folder (real files: see the README note). */
function syncPackage(userFolder) {
	const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', H.PKG_NAME);
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(H.REPO, 'package.json'), path.join(target, 'package.json'));
	fs.rmSync(path.join(target, 'dist'), { recursive: true, force: true });
	fs.cpSync(path.join(H.REPO, 'dist'), path.join(target, 'dist'), { recursive: true });
	return target;
}

async function main() {
	if (flag('--fresh')) fs.rmSync(STATE, { recursive: true, force: true });
	await H.ensureBuilt();
	const runtime = await H.provision({ line: LINE });
	writeDemoInputs(FILES);
	const n8n = new H.N8n({ runtime, userFolder: path.join(STATE, 'n8n'), fileAccess: [FILES] });
	const firstRun = !fs.existsSync(path.join(n8n.userFolder, '.n8n', 'database.sqlite'));

	// Copies, not a symlink to the repo: through a symlink the node would load the repo's own
	// devDependency copy of n8n-workflow instead of n8n's, unlike a real install.
	syncPackage(n8n.userFolder);
	const sim = await H.startSimulator([
		'--webhook-secret',
		WEBHOOK_SECRET,
		'--task-duration-ms',
		'3000',
	]);

	// Re-imported on every start: the simulator's port changes.
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
	]);
	if (firstRun) {
		const dir = path.join(H.REPO, 'examples');
		const examples = fs
			.readdirSync(dir)
			.filter((f) => f.endsWith('.json'))
			.map((f) => {
				const wf = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
				for (const node of wf.nodes) {
					if (node.credentials?.freepikApi) node.credentials.freepikApi = CREDENTIAL;
					for (const key of ['fileSelector', 'fileName']) {
						if (typeof node.parameters[key] === 'string')
							node.parameters[key] = node.parameters[key].replace(EXAMPLES_FOLDER, FILES);
					}
				}
				return wf;
			});
		await n8n.importWorkflows(examples);
	}

	say(`starting n8n ${runtime.version} on http://127.0.0.1:${PORT} ...`);
	await n8n.start({
		port: PORT,
		env: { N8N_DEV_RELOAD: 'true' },
		onOutput: flag('--verbose') ? (d) => process.stdout.write(d) : undefined,
	});
	const created = await n8n.setupOwner(OWNER);

	let tsc;
	if (flag('--watch')) {
		tsc = spawnTracked(
			process.execPath,
			[
				path.join(H.REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
				'-p',
				'tsconfig.build.json',
				'--watch',
				'--preserveWatchOutput',
			],
			{
				cwd: H.REPO,
				stdio: ['ignore', 'inherit', 'inherit'],
			},
		);
	}
	let timer;
	const watcher = fs.watch(path.join(H.REPO, 'dist'), { recursive: true }, () => {
		clearTimeout(timer);
		timer = setTimeout(() => {
			try {
				syncPackage(n8n.userFolder);
				say('dist/ changed: copied into n8n (hot reload; refresh the editor)');
			} catch (e) {
				say(`copy failed (build still running?): ${e.message}`);
			}
		}, 500);
	});

	console.log(`
  n8n editor     http://127.0.0.1:${PORT}
  login          ${OWNER.email} / ${OWNER.password}${created ? ' (owner just created)' : ''}
  credential     "${CREDENTIAL.name}" -> Freepik API simulator ${sim.apiUrl}
                 (webhook secret "${WEBHOOK_SECRET}"; simulator control API: ${sim.apiUrl}/__sim/requests)
  files          Read/Write File may use ${FILES} (the demo reads input.wav from there)
  examples       ${firstRun ? 'imported from examples/' : 'imported on the first run (use --fresh to re-import)'}
  rebuild        ${tsc ? 'tsc --watch is running' : 'npm run build (or npm run dev -- --watch)'}; dist/ is copied into n8n and hot-reloaded
  Ctrl-C stops n8n and the simulator.
`);

	const { child, output } = /** @type {NonNullable<typeof n8n.server>} */ (n8n.server);
	await new Promise(
		/** @param {(value?: unknown) => void} resolve */ (resolve) => {
			process.once('SIGINT', resolve);
			process.once('SIGTERM', resolve);
			child.once('exit', (code) => {
				if (n8n.server) say(`n8n exited unexpectedly (${code}):\n${output().slice(-2000)}`);
				resolve();
			});
		},
	);
	say('stopping...');
	watcher.close();
	await Promise.all([n8n.stop(), sim.stop(), tsc && stopChild(tsc, 2000)]);
}

main().then(
	() => process.exit(0),
	(err) => {
		console.error(`\n[dev] FAILED: ${err.message}`);
		process.exit(1);
	},
);
