#!/usr/bin/env node
// @ts-check
'use strict';
// npm run e2e:chains — the example chains of examples/ run end to end (issue #16), loopback only.
//
// Starts the Freepik simulator, an S3-compatible server (@20minutes/s3rver), an SMTP server that
// keeps what it receives (smtp-server + mailparser) and a separate OpenSSH sshd (SFTP only, a local
// user this script creates), all on free 127.0.0.1 ports; installs the packed package into a fresh
// n8n 2.40.7 user folder, imports the three example chains as shipped (credential ids filled in,
// schedule and poll interval shortened), publishes them and runs `n8n start` with
// N8N_DEFAULT_BINARY_DATA_MODE=filesystem (the n8n 3.0 default). Then:
//  1. examples/chain-schedule-isolate-s3.json fires every few seconds: each run isolates the
//     episode and uploads the WAV with n8n's S3 node. One object per run, the simulator's bytes.
//  2. examples/chain-isolate-email.json (webhook): the WAV arrives as an e-mail attachment.
//  3. examples/chain-isolate-sftp.json (webhook): the WAV lands in the SFTP user's folder.
//  4. The simulator fails the next tasks: the scheduled chain's Continue On Fail item goes through
//     the IF to the failure e-mail (task id in it), and the S3 node is not called for it.
// Every server is stopped at the end, also on failure; the run is bounded (E2E_CHAINS_TIMEOUT_MS).
//
//   node scripts/e2e-chains.js [--runs N] [--every S] [--keep] [--screenshot FILE]
//     --runs        successful scheduled runs to wait for before the failure phase (3)
//     --every       schedule interval in seconds (3)
//     --keep        keep the temporary folder (logs, n8n data, server files)
//     --screenshot  also save an editor screenshot of a successful scheduled run (needs chromium)
const path = require('node:path');
const H = require('../harness/n8n-headless');
const { Suite, waitFor, ensureDebianPackages, requireInt } = require('./lib/e2e-suite');
const S = require('./lib/chains-servers');
const W = require('./lib/chains-workflows');
const C = require('./lib/chains-checks');
const { Executions, TERMINAL, ran } = require('./lib/chains-executions');

const SIM_KEY = 'chains-e2e-sim-key-8e41d07a';
const SCHEDULED_URL = 'https://example.com/podcast/latest.mp3'; // as shipped in the example
const EMAIL_URL = 'https://example.com/podcast/episode-7.mp3';
const SFTP_URL = 'https://example.com/podcast/episode-8.mp3';
const BUCKET = 'podcast-voice';
const CREDENTIALS = {
	freepikApi: { id: 'fpChainsCredFp01', name: 'Freepik account' },
	s3: { id: 'fpChainsCredS301', name: 'S3 account' },
	smtp: { id: 'fpChainsCredMail', name: 'SMTP account' },
	sftp: { id: 'fpChainsCredSftp', name: 'SFTP account' },
};

// The n8n 3.0 default binary data mode; and no fetches of n8n's catalogues of vetted community nodes
// and MCP servers (the editor asks for them; this run talks to 127.0.0.1 only).
const N8N_ENV = {
	N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
	N8N_VERIFIED_PACKAGES_ENABLED: 'false',
	N8N_DISABLED_MODULES: 'mcp-registry',
};

const suite = new Suite('chains');
const { check, timed, log } = suite;
const opts = suite.options(
	{
		runs: 3,
		every: 3,
		keep: !!process.env.E2E_KEEP,
		screenshot: undefined,
		timeoutMs: Number(process.env.E2E_CHAINS_TIMEOUT_MS || 10 * 60e3),
	},
	{
		'--runs': ['runs', 'number'],
		'--every': ['every', 'number'],
		'--keep': ['keep', 'flag'],
		'--screenshot': ['screenshot', 'path'],
	},
	(o) => {
		requireInt(o, 'runs', 1, 20);
		requireInt(o, 'every', 1, 59);
	},
);

suite.run(
	async ({ root, services }) => {
		let sftpUser = false;
		const removeSftpUser = () => {
			if (sftpUser) S.removeSftpUser();
			sftpUser = false;
		};
		// The SFTP user goes away whatever happens (also on the hard time limit's process.exit).
		process.on('exit', removeSftpUser);
		suite.onTeardown(removeSftpUser);

		// ------------------------------------------------------------ prerequisites (own bounds)
		const [, runtime, installed] = await timed('prerequisites', () =>
			Promise.all([
				H.ensureBuilt(),
				H.provision(),
				ensureDebianPackages([{ pkg: 'openssh-server', bin: 'sshd' }], { log }),
			]),
		);
		log(
			`n8n ${runtime.version}; root ${root}${installed.length ? `; installed ${installed.join(', ')}` : ''}`,
		);
		suite.armTimeLimit(opts.timeoutMs);

		// ------------------------------------------------------------ servers
		const sim = await timed('startSimulator', () =>
			H.startSimulator(['--api-key', SIM_KEY, '--task-duration-ms', '800']),
		);
		suite.onTeardown(() => sim.stop());
		const [s3, smtp, sftp] = await timed('startServers', () =>
			Promise.all([
				S.startS3(services, {
					nodeBin: runtime.nodeBin,
					dir: path.join(root, 's3'),
					bucket: BUCKET,
				}),
				S.startSmtp(services),
				(() => {
					sftpUser = true; // from here on the local user may exist: always remove it
					return S.startSftp(services, { dir: path.join(root, 'sftp') });
				})(),
			]),
		);
		log(
			`simulator ${sim.apiUrl}; s3 ${s3.endpoint}; smtp 127.0.0.1:${smtp.port}; sftp ${sftp.user}@127.0.0.1:${sftp.port} -> ${sftp.uploadDir}`,
		);

		// ------------------------------------------------------------ n8n
		const n8n = new H.N8n({ runtime, userFolder: path.join(root, 'n8n') });
		const chains = {
			s3: W.loadChain('s3', {
				credentials: W.credentialRefs(CREDENTIALS),
				scheduleSeconds: opts.every,
				pollSeconds: 1,
			}),
			email: W.loadChain('email', { credentials: W.credentialRefs(CREDENTIALS), pollSeconds: 1 }),
			sftp: W.loadChain('sftp', { credentials: W.credentialRefs(CREDENTIALS), pollSeconds: 1 }),
		};
		const workflowIds = Object.values(chains).map((c) => c.workflow.id);
		await timed('installAndImport', async () => {
			await H.packAndInstall(n8n.userFolder);
			await n8n.importCredentials([
				{
					...CREDENTIALS.freepikApi,
					type: 'freepikApi',
					data: { apiKey: SIM_KEY, apiHost: 'custom', baseUrl: sim.apiUrl },
				},
				{
					...CREDENTIALS.s3,
					type: 's3',
					data: {
						endpoint: s3.endpoint,
						region: 'us-east-1',
						accessKeyId: s3.accessKeyId,
						secretAccessKey: s3.secretAccessKey,
						forcePathStyle: true,
					},
				},
				{
					...CREDENTIALS.smtp,
					type: 'smtp',
					data: {
						host: '127.0.0.1',
						port: smtp.port,
						secure: false,
						disableStartTls: true,
						user: smtp.user,
						password: smtp.password,
					},
				},
				{
					...CREDENTIALS.sftp,
					type: 'sftp',
					data: {
						host: '127.0.0.1',
						port: sftp.port,
						username: sftp.user,
						password: sftp.password,
					},
				},
			]);
			await n8n.importWorkflows(Object.values(chains).map((c) => c.workflow));
			for (const id of workflowIds) await n8n.publishWorkflow(id);
		});
		const executions = new Executions(runtime, n8n.userFolder);

		const main = services.create('main');
		const port = await H.freePort();
		await timed('startN8n', () =>
			services.guard(
				n8n.start({ port, env: N8N_ENV, onOutput: (d) => main.feed(d) }).catch((e) => {
					e.service = 'main';
					throw e;
				}),
			),
		);
		main.attach(
			/** @type {NonNullable<typeof n8n.server>} */ (n8n.server).child,
			() => n8n.stop(),
			{ pipe: false },
		);
		const tStart = Date.now();

		// ------------------------------------------------------------ 2 + 3: webhook chains
		const [toEmail, toSftp] = await timed('webhooks', () =>
			Promise.all([
				n8n.callWebhook(chains.email.webhookPath, { body: { url: EMAIL_URL } }),
				n8n.callWebhook(chains.sftp.webhookPath, { body: { url: SFTP_URL } }),
			]),
		);
		check(
			toEmail.status === 200 && toSftp.status === 200,
			'both webhook chains accepted their request',
			`email ${toEmail.status} ${toEmail.text.slice(0, 80)}; sftp ${toSftp.status} ${toSftp.text.slice(0, 80)}`,
		);

		// ------------------------------------------------------------ 1: scheduled runs
		const finishedOf = async (wf) =>
			(await executions.list([wf])).filter((e) => TERMINAL.has(e.status));
		await timed('scheduledRunsAndWebhookChains', () =>
			waitFor(
				`${opts.runs} scheduled runs and both webhook chains to finish`,
				async () =>
					(await finishedOf(chains.s3.workflow.id)).length >= opts.runs &&
					(await finishedOf(chains.email.workflow.id)).length >= 1 &&
					(await finishedOf(chains.sftp.workflow.id)).length >= 1,
				{ timeoutMs: 60e3 + opts.runs * opts.every * 1000 * 3, intervalMs: 500, services },
			),
		);

		// ------------------------------------------------------------ 4: failure path
		await sim.config({ failTasks: true });
		await timed('failurePath', () =>
			waitFor(
				'a failure e-mail from the scheduled chain',
				async () => smtp.messages.some(C.isFailureMail),
				{
					timeoutMs: 30e3 + opts.every * 3000,
					intervalMs: 300,
					services,
				},
			),
		);
		await sim.config({ failTasks: false });

		if (opts.screenshot) {
			const { screenshotExecution } = require('./lib/chains-screenshot');
			const done = (await finishedOf(chains.s3.workflow.id)).filter((e) => e.status === 'success');
			let shown;
			for (const e of done.reverse()) {
				if (ran(await executions.data(e.id), chains.s3.store)) {
					shown = e;
					break;
				}
			}
			await timed('screenshot', () =>
				screenshotExecution({
					n8n,
					workflowId: chains.s3.workflow.id,
					executionId: shown.id,
					file: opts.screenshot,
					log,
				}),
			);
		}

		// ------------------------------------------------------------ stop n8n, then look
		const runMs = Date.now() - tStart;
		const tStop = Date.now();
		await timed('stopN8n', () => main.stop());
		// After the stop: a run still going on at the SIGTERM finishes (and creates its task) first.
		const simTasks = await H.request(`${sim.apiUrl}/__sim/tasks`, { timeoutMs: 30e3 }).then(
			(r) => r.json,
		);
		check(
			main.exit && !main.exit.signal?.includes('KILL'),
			'n8n stopped on SIGTERM (no execution left running)',
			JSON.stringify(main.exit),
		);

		// A schedule tick during shutdown can leave an execution that n8n queued but never started
		// (status "new", no start time): it ran nothing, so it is reported and left out.
		const listed = await executions.list(workflowIds);
		const notStarted = listed.filter(
			(e) =>
				e.status === 'new' &&
				!e.startedAt &&
				Date.parse(`${e.createdAt.replace(' ', 'T')}Z`) >= tStop - 2000,
		);
		const kept = listed.filter((e) => !notStarted.includes(e));
		const dataOf = new Map();
		for (const e of kept) dataOf.set(e.id, await executions.data(e.id));
		const f = C.facts({ executions: kept, dataOf, simTasks });

		console.log(
			`\n== ${chains.s3.file}: Schedule (every ${opts.every} s) -> Isolate -> IF -> S3 | failure e-mail ==`,
		);
		const s3Summary = await C.checkScheduledChain(check, f, {
			chain: chains.s3,
			url: SCHEDULED_URL,
			minRuns: opts.runs,
			s3,
			smtp,
			notStarted,
		});
		console.log(`\n== ${chains.email.file}: Webhook -> Isolate -> Send Email (WAV attached) ==`);
		const emailSummary = await C.checkEmailChain(check, f, {
			chain: chains.email,
			url: EMAIL_URL,
			smtp,
			apiKey: SIM_KEY,
		});
		console.log(`\n== ${chains.sftp.file}: Webhook -> Isolate -> FTP node (SFTP) ==`);
		const sftpSummary = await C.checkSftpChain(check, f, {
			chain: chains.sftp,
			url: SFTP_URL,
			sftp,
		});
		console.log(
			`\n${s3Summary} in ${(runMs / 1000).toFixed(1)} s (every ${opts.every} s); ${emailSummary}; ${sftpSummary}`,
		);
	},
	{ keep: opts.keep },
);
