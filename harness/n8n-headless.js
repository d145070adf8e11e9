'use strict';
// Drive a real, pinned n8n from scripts (demo, e2e, dev): provision it, install this package the
// way a user does, import credentials/workflows, execute headless, or run the editor.
// Plain CommonJS, no dependencies.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { run, spawnTracked, stopChild, freePort } = require('./proc');

const REPO = path.resolve(__dirname, '..');
const PKG_NAME = 'n8n-nodes-freepik';
const REGISTRY_PREFIX = `${PKG_NAME}.`; // node type prefix of a package installed from npm

const log = (...a) => console.error('[n8n-headless]', ...a);

// ---------------------------------------------------------------- build & provision

function newestMtime(dir) {
	let newest = 0;
	if (!fs.existsSync(dir)) return 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		const t = entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs;
		if (t > newest) newest = t;
	}
	return newest;
}

/** npm ci when node_modules is missing, npm run build when dist/ is missing or older than the sources. */
/** @param {{ force?: boolean }} [options] */
async function ensureBuilt({ force = false } = {}) {
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	if (!fs.existsSync(path.join(REPO, 'node_modules', '.bin', 'tsc'))) {
		log('node_modules missing: npm ci');
		const r = await run(npm, ['ci', '--no-audit', '--no-fund'], {
			cwd: REPO,
			timeoutMs: 15 * 60e3,
			onStderr: (d) => process.stderr.write(d),
		});
		if (r.code !== 0) throw new Error(`npm ci failed (exit ${r.code})`);
	}
	const src = Math.max(
		newestMtime(path.join(REPO, 'nodes')),
		newestMtime(path.join(REPO, 'credentials')),
	);
	const out = newestMtime(path.join(REPO, 'dist'));
	if (force || out === 0 || src > out) {
		log(out === 0 ? 'dist/ missing: npm run build' : 'sources changed: npm run build');
		const r = await run(npm, ['run', 'build'], { cwd: REPO, timeoutMs: 10 * 60e3 });
		if (r.code !== 0)
			throw new Error(`npm run build failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
		return true;
	}
	return false;
}

/**
 * Provision n8n through scripts/n8n-runtime.sh (cached). line: '2' (default, n8n 2.x on Node 24)
 * or '1' (n8n 1.x on the machine's Node). Returns { nodeBin, n8nBin, version, major, ms }.
 */
/**
 * @param {{ line?: string, quiet?: boolean }} [options]
 * @returns {Promise<Runtime>}
 */
async function provision({ line = process.env.N8N_LINE || '2', quiet = false } = {}) {
	const r = await run('bash', [path.join(REPO, 'scripts', 'n8n-runtime.sh')], {
		env: { ...process.env, N8N_LINE: String(line) },
		timeoutMs: 30 * 60e3,
		onStderr: quiet ? undefined : (d) => process.stderr.write(d),
	});
	const value = (k) => (r.stdout.match(new RegExp(`^${k}=(.*)$`, 'm')) || [])[1];
	const nodeBin = value('NODE_BIN');
	const n8nBin = value('N8N_BIN');
	if (r.code !== 0 || !nodeBin || !n8nBin) {
		throw new Error(
			`provisioning n8n failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${r.stderr.slice(-3000)}`,
		);
	}
	const version = JSON.parse(
		fs.readFileSync(path.join(path.dirname(n8nBin), '..', 'package.json'), 'utf8'),
	).version;
	return { nodeBin, n8nBin, version, major: Number(version.split('.')[0]), ms: r.ms };
}

// ---------------------------------------------------------------- package install

/** @typedef {{ nodeBin: string, n8nBin: string, version: string, major: number, ms: number }} Runtime */

/** @type {Promise<{ tarball: string, files: string[] }> | undefined} */
let packed; // one `npm pack` per process
async function pack() {
	if (!packed) {
		packed = (async () => {
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freepik-pack-'));
			process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
			const r = await run(
				'npm',
				['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
				{ cwd: REPO, timeoutMs: 120e3 },
			);
			if (r.code !== 0) throw new Error(`npm pack failed:\n${r.stderr}`);
			const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0];
			return { tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path) };
		})();
		packed.catch(() => (packed = undefined));
	}
	return packed;
}

/**
 * Install the package into a user folder exactly as a user would: the `npm pack` tarball unpacked
 * into <userFolder>/.n8n/<location>/node_modules/n8n-nodes-freepik.
 *  - location 'nodes' (default): where n8n's own community-package installer puts packages; n8n
 *    2.40.7 scans it at startup (n8n-nodes-* directories, no DB record needed) and the node types
 *    are `n8n-nodes-freepik.freepik`, the same names as an install from the npm registry.
 *  - location 'custom': the manual "custom folder" install; the types become `CUSTOM.freepik`.
 * Returns { dir, typePrefix, files }.
 */
async function packAndInstall(userFolder, { location = 'nodes' } = {}) {
	const { tarball, files } = await pack();
	const dir = path.join(userFolder, '.n8n', location, 'node_modules', PKG_NAME);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const r = await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], {
		timeoutMs: 60e3,
	});
	if (r.code !== 0) throw new Error(`unpacking ${tarball} failed:\n${r.stderr}`);
	return { dir, typePrefix: location === 'custom' ? 'CUSTOM.' : REGISTRY_PREFIX, files };
}

/** Rewrite `n8n-nodes-freepik.*` node types to the prefix the install location gives them. */
function withTypePrefix(workflow, typePrefix) {
	if (typePrefix === REGISTRY_PREFIX) return workflow;
	return {
		...workflow,
		nodes: workflow.nodes.map((n) =>
			n.type.startsWith(REGISTRY_PREFIX)
				? { ...n, type: typePrefix + n.type.slice(REGISTRY_PREFIX.length) }
				: n,
		),
	};
}

// ---------------------------------------------------------------- n8n instance

/** The JSON block `--rawOutput` prints: from a line `{` to the matching line `}`. */
function parseRawOutput(stdout) {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	if (start === -1) return undefined;
	const end = lines.indexOf('}', start);
	if (end === -1) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

/**
 * Whether an `execute` run succeeded: exit code 0, or (n8n 2.41.1, seen once in CI on a loaded
 * machine) the CLI killed by a signal while shutting down AFTER it had printed the execution as
 * finished with status success. That shutdown is n8n's own, not the node's; it is said in the log.
 */
function executionSucceeded(run) {
	if (run.exitCode === 0) return true;
	const finished = run.output?.finished === true && run.output?.status === 'success';
	if (run.exitCode !== null || !run.signal || run.timedOut || !finished) return false;
	console.error(`[e2e] n8n execute ended by ${run.signal} after printing a successful execution`);
	return true;
}

class N8n {
	/**
	 * runtime: result of provision(). userFolder: N8N_USER_FOLDER (created). fileAccess: directories
	 * the Read/Write File node may use (N8N_RESTRICT_FILE_ACCESS_TO).
	 */
	/** @param {{ runtime: Runtime, userFolder: string, fileAccess?: string[] }} options */
	constructor({ runtime, userFolder, fileAccess = [] }) {
		this.runtime = runtime;
		this.userFolder = path.resolve(userFolder);
		this.fileAccess = fileAccess.map((d) => path.resolve(d));
		fs.mkdirSync(this.userFolder, { recursive: true });
		/** @type {{ child: import('node:child_process').ChildProcess, port: number, baseUrl: string, output: () => string } | undefined} */
		this.server = undefined;
	}

	/** @param {Record<string, string>} [extra] */
	async env(extra = {}) {
		/** @type {Record<string, string | undefined>} */
		const env = {};
		// Only our settings: an N8N_*/DB_* variable from the caller's shell must not change the run.
		for (const [k, v] of Object.entries(process.env)) {
			if (
				!/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|NODE_OPTIONS$|NODE_ENV$|NODE_FUNCTION_ALLOW)/.test(
					k,
				)
			)
				env[k] = v;
		}
		return {
			...env,
			N8N_USER_FOLDER: this.userFolder,
			DB_TYPE: 'sqlite',
			N8N_LOG_LEVEL: 'info', // --rawOutput prints through the logger at level info
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()), // n8n always starts a broker (default 5679)
			N8N_RESTRICT_FILE_ACCESS_TO: this.fileAccess.join(';'),
			GENERIC_TIMEZONE: 'UTC',
			...extra,
		};
	}

	/**
	 * Run an n8n CLI command, bounded. Resolves { code, stdout, stderr, timedOut, ms }.
	 * @param {string[]} args
	 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [options]
	 */
	async cli(args, { timeoutMs = 120e3, env } = {}) {
		return run(this.runtime.nodeBin, [this.runtime.n8nBin, ...args], {
			env: await this.env(env),
			cwd: this.userFolder,
			timeoutMs,
			graceMs: 3000,
		});
	}

	async #cliOk(args, what, opts) {
		const r = await this.cli(args, opts);
		if (r.code !== 0)
			throw new Error(
				`${what} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${(r.stdout + r.stderr).slice(-3000)}`,
			);
		return r;
	}

	/** Import credentials [{ id, name, type, data: {plain fields} }] (n8n encrypts them). */
	async importCredentials(credentials) {
		const file = path.join(this.userFolder, `import-credentials-${process.pid}.json`);
		fs.writeFileSync(file, JSON.stringify(credentials));
		try {
			await this.#cliOk(['import:credentials', `--input=${file}`], 'n8n import:credentials');
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/** Import workflows (objects with ids) in one n8n process. */
	async importWorkflows(workflows) {
		const dir = fs.mkdtempSync(path.join(this.userFolder, 'import-workflows-'));
		workflows.forEach((wf, i) => fs.writeFileSync(path.join(dir, `${i}.json`), JSON.stringify(wf)));
		try {
			await this.#cliOk(['import:workflow', '--separate', `--input=${dir}`], 'n8n import:workflow');
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}

	/**
	 * `n8n execute --id --rawOutput`. Resolves { exitCode, signal, output, stdout, stderr, timedOut,
	 * ms }: output is the execution (data.resultData.runData...) or undefined if none was printed.
	 */
	async execute(workflowId, { timeoutMs = 120e3 } = {}) {
		const r = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], { timeoutMs });
		return {
			exitCode: r.code,
			signal: r.signal,
			output: parseRawOutput(r.stdout),
			stdout: r.stdout,
			stderr: r.stderr,
			timedOut: r.timedOut,
			ms: r.ms,
		};
	}

	/** Make a workflow active on the next `n8n start` (n8n must be stopped). */
	async publishWorkflow(id) {
		if (this.runtime.major >= 2)
			await this.#cliOk(['publish:workflow', `--id=${id}`], 'n8n publish:workflow');
		else
			await this.#cliOk(['update:workflow', `--id=${id}`, '--active=true'], 'n8n update:workflow');
	}

	/**
	 * `n8n start` on 127.0.0.1:port. Resolves once it answers /healthz/readiness and has activated
	 * the published workflows (readiness comes earlier; n8n logs "Editor is now accessible" after).
	 */
	/**
	 * @param {{ port?: number, env?: Record<string, string>, timeoutMs?: number,
	 *   onOutput?: (chunk: Buffer) => void }} [options]
	 */
	async start({ port = 5678, env = {}, timeoutMs = 180e3, onOutput } = {}) {
		if (this.server) throw new Error('n8n already started');
		const baseUrl = `http://127.0.0.1:${port}`;
		const child = spawnTracked(this.runtime.nodeBin, [this.runtime.n8nBin, 'start'], {
			env: await this.env({
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_SECURE_COOKIE: 'false',
				WEBHOOK_URL: `${baseUrl}/`,
				...env,
			}),
			cwd: this.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		const collect = (d) => {
			output = (output + d).slice(-20000);
			if (onOutput) onOutput(d);
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		this.server = { child, port, baseUrl, output: () => output };
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) break;
			if (output.includes('Editor is now accessible')) {
				const res = await request(`${baseUrl}/healthz/readiness`).catch(() => undefined);
				if (res && res.status === 200) return this.server;
			}
			await sleep(500);
		}
		await this.stop();
		throw new Error(`n8n start did not become ready on ${baseUrl}:\n${output.slice(-3000)}`);
	}

	/**
	 * Call a production webhook (/webhook/<path>) of the started n8n, retrying while n8n answers 404
	 * "not registered": n8n 2.x activates published workflows in the background after startup, and
	 * a webhook can be listed before its workflow accepts calls. A 404 runs nothing, so retrying is
	 * safe. Resolves the first other response { status, text, json }.
	 */
	/**
	 * @param {string} webhookPath
	 * @param {{ method?: string, body?: unknown, headers?: Record<string, string>,
	 *   timeoutMs?: number }} [options]
	 */
	async callWebhook(webhookPath, { method = 'POST', body = {}, headers, timeoutMs = 60e3 } = {}) {
		if (!this.server) throw new Error('n8n is not started');
		const url = `${this.server.baseUrl}/webhook/${webhookPath}`;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const res = await request(url, { method, body, headers, timeoutMs: 30e3 });
			if (res.status !== 404 || !/not registered/.test(res.text) || Date.now() > deadline)
				return res;
			await sleep(250);
		}
	}

	/**
	 * Create the owner account of a started n8n (POST /rest/owner/setup). Resolves true if created,
	 * false if the instance already had an owner.
	 */
	async setupOwner({ email, password, firstName = 'Dev', lastName = 'Owner' }) {
		if (!this.server) throw new Error('n8n is not started');
		const res = await request(`${this.server.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			body: { email, password, firstName, lastName },
		});
		if (res.status === 200) return true;
		if (res.status === 400 && /already/i.test(res.text)) return false;
		throw new Error(`owner setup failed: ${res.status} ${res.text.slice(0, 500)}`);
	}

	async stop() {
		const s = this.server;
		this.server = undefined;
		if (s) await stopChild(s.child, 10e3);
	}
}

// ---------------------------------------------------------------- Freepik API simulator

/**
 * Start simulator/cli.js on free ports. Resolves { apiUrl, fileUrl, apiKey, requests(),
 * stats(), tasksList(), reset(), faults(body), config(body), stop() }.
 */
/**
 * @param {string[]} [args]
 * @param {{ timeoutMs?: number }} [options]
 */
async function startSimulator(args = [], { timeoutMs = 20e3 } = {}) {
	const cli = path.join(REPO, 'simulator', 'cli.js');
	if (!fs.existsSync(cli)) throw new Error(`simulator missing: ${cli}`);
	const child = spawnTracked(process.execPath, [cli, '--port', '0', '--file-port', '0', ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-5000)));
	/** @type {{ apiUrl: string, fileUrl: string, apiKey: string }} */
	const info = await new Promise((resolve, reject) => {
		let buf = '';
		const timer = setTimeout(
			() => reject(new Error(`simulator did not start:\n${stderr}`)),
			timeoutMs,
		);
		child.stdout.on('data', (d) => {
			buf += d;
			const nl = buf.indexOf('\n');
			if (nl === -1) return;
			clearTimeout(timer);
			try {
				resolve(JSON.parse(buf.slice(0, nl)));
			} catch (e) {
				reject(new Error(`simulator printed ${buf.slice(0, nl)}: ${e.message}`));
			}
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`simulator exited (${code}):\n${stderr}`));
		});
	}).catch(async (e) => {
		await stopChild(child, 2000);
		throw e;
	});
	const call = async (method, p, body) => {
		const res = await request(info.apiUrl + p, { method, body });
		if (res.status >= 300) throw new Error(`simulator ${method} ${p}: ${res.status} ${res.text}`);
		return res.json;
	};
	return {
		...info,
		requests: () => call('GET', '/__sim/requests'),
		stats: () => call('GET', '/__sim/stats'),
		tasksList: () => call('GET', '/__sim/tasks'),
		reset: () => call('POST', '/__sim/reset', {}),
		resetOptions: () => call('POST', '/__sim/reset', { options: true }),
		faults: (body) => call('POST', '/__sim/faults', body),
		config: (body) => call('POST', '/__sim/config', body),
		stop: () => stopChild(child, 3000),
	};
}

// ---------------------------------------------------------------- small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Minimal HTTP client for 127.0.0.1 (JSON in/out). Resolves { status, headers, text, json }.
 * @param {string} url
 * @param {{ method?: string, body?: unknown, headers?: Record<string, string>,
 *   timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders,
 *   text: string, json: any }>}
 */
function request(url, { method = 'GET', body, headers = {}, timeoutMs = 10e3 } = {}) {
	return new Promise((resolve, reject) => {
		const data =
			body === undefined
				? undefined
				: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		const req = http.request(
			url,
			{
				method,
				headers: {
					...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						/* not JSON */
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${url}`)));
		req.on('error', reject);
		if (data) req.write(data);
		req.end();
	});
}

/** Items a node output (output index 0, last run) in an execution printed by --rawOutput. */
function nodeItems(output, nodeName, { run: runIndex = -1, outputIndex = 0 } = {}) {
	const runs = output?.data?.resultData?.runData?.[nodeName];
	if (!runs || runs.length === 0) return undefined;
	const r = runs.at(runIndex);
	return r?.data?.main?.[outputIndex] ?? [];
}

function executionError(output) {
	return output?.data?.resultData?.error;
}

module.exports = {
	REPO,
	PKG_NAME,
	REGISTRY_PREFIX,
	ensureBuilt,
	provision,
	pack,
	packAndInstall,
	withTypePrefix,
	parseRawOutput,
	executionSucceeded,
	N8n,
	startSimulator,
	request,
	sleep,
	nodeItems,
	executionError,
	freePort,
};
