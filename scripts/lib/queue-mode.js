'use strict';
// n8n queue mode on one machine, for scripts/e2e-queue.js: Redis + PostgreSQL with throwaway data
// folders, one `n8n start` (main: editor, webhooks, enqueues executions) and N `n8n worker`s, all on
// 127.0.0.1 and all sharing one user folder, one encryption key, one database and one Redis.
// Every process is a tracked child in its own process group (harness/proc.js), every wait is
// bounded, and each service keeps its log (file + tail) so a failure can say what broke.
// Plain CommonJS, no dependencies beyond the Debian packages redis-server and postgresql.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawn } = require('node:child_process');
const { run, spawnTracked, freePort } = require('../../harness/proc');
const H = require('../../harness/n8n-headless');

const log = (...a) => console.error('[queue]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ANSI = /\x1b\[[0-9;]*m/g;

// ---------------------------------------------------------------- services and their logs

/** One long-running process: its log file, a tail for error reports, line hooks, and how to stop it. */
class Service {
	constructor(name, logFile) {
		this.name = name;
		this.logFile = logFile;
		this.stream = fs.createWriteStream(logFile);
		this.tailText = '';
		this.partial = '';
		this.lineHooks = [];
		this.child = undefined;
		this.stopFn = undefined;
		this.stopping = false;
		this.exit = undefined; // { code, signal } once exited
		this.exitListeners = [];
	}

	feed(chunk) {
		const text = String(chunk);
		this.stream.write(text);
		this.tailText = (this.tailText + text).slice(-30000);
		const lines = (this.partial + text).split('\n');
		this.partial = lines.pop();
		for (const raw of lines) {
			const line = raw.replace(ANSI, '');
			for (const hook of this.lineHooks) hook(line);
		}
	}

	onLine(fn) {
		this.lineHooks.push(fn);
	}

	/** Attach the child (output piped into feed unless already wired) and the function that stops it. */
	attach(child, stopFn, { pipe = true } = {}) {
		this.child = child;
		this.stopFn = stopFn;
		if (pipe) {
			child.stdout?.on('data', (d) => this.feed(d));
			child.stderr?.on('data', (d) => this.feed(d));
		}
		const onExit = (code, signal) => {
			this.exit = { code, signal };
			for (const fn of this.exitListeners) fn(this);
		};
		if (child.exitCode !== null || child.signalCode !== null)
			onExit(child.exitCode, child.signalCode);
		else child.once('exit', onExit);
	}

	tail(lines = 25) {
		return this.tailText.replace(ANSI, '').split('\n').slice(-lines).join('\n');
	}

	async stop() {
		this.stopping = true;
		try {
			if (this.stopFn) await this.stopFn();
		} finally {
			await new Promise((r) => this.stream.end(r));
		}
	}
}

/**
 * The set of services of one run. `failure` rejects as soon as a service exits while nobody is
 * stopping it; race long waits against it with `guard()`.
 */
class Services {
	constructor(logDir) {
		this.logDir = logDir;
		this.list = [];
		this.failure = new Promise((_, reject) => (this.rejectFailure = reject));
		this.failure.catch(() => undefined);
	}

	create(name) {
		const svc = new Service(name, path.join(this.logDir, `${name}.log`));
		svc.exitListeners.push((s) => {
			if (s.stopping) return;
			const err = new Error(
				`service "${s.name}" exited unexpectedly (code ${s.exit.code}, signal ${s.exit.signal})`,
			);
			err.service = s.name;
			this.rejectFailure(err);
		});
		this.list.push(svc);
		return svc;
	}

	get(name) {
		return this.list.find((s) => s.name === name);
	}

	/** Resolves like `promise`, or rejects as soon as a service dies. */
	guard(promise) {
		return Promise.race([promise, this.failure]);
	}

	/** Stop in reverse start order (n8n before Redis/PostgreSQL). Resolves { name: ms }. */
	async stopAll() {
		const times = {};
		const reversed = [...this.list].reverse();
		// n8n processes first and together (workers can take up to the graceful-shutdown timeout).
		const n8n = reversed.filter((s) => s.name === 'main' || s.name.startsWith('worker'));
		await Promise.all(
			n8n.map(async (s) => {
				const t = Date.now();
				await s.stop().catch((e) => log(`stopping ${s.name}: ${e.message}`));
				times[s.name] = Date.now() - t;
			}),
		);
		for (const s of reversed.filter((x) => !n8n.includes(x))) {
			const t = Date.now();
			await s.stop().catch((e) => log(`stopping ${s.name}: ${e.message}`));
			times[s.name] = Date.now() - t;
		}
		return times;
	}

	report({ lines = 25, only } = {}) {
		return this.list
			.filter((s) => !only || only.includes(s.name))
			.map((s) => {
				const state = s.exit
					? `exited (code ${s.exit.code}, signal ${s.exit.signal})`
					: s.child
						? 'running'
						: 'not started';
				return `----- ${s.name}: ${state}; log ${s.logFile}\n${s.tail(lines)}`;
			})
			.join('\n');
	}
}

/** SIGNAL to the child's process group, SIGKILL to the group after graceMs. Resolves on exit. */
function stopGroup(child, signal, graceMs) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	const kill = (sig) => {
		try {
			process.kill(-child.pid, sig);
		} catch {
			try {
				child.kill(sig);
			} catch {
				/* gone */
			}
		}
	};
	return new Promise((resolve) => {
		const timer = setTimeout(() => kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			kill('SIGKILL'); // leftovers of the group (n8n's task runner)
			resolve();
		});
		kill(signal);
	});
}

/** Polls `probe` until it returns a truthy value; throws `what` after timeoutMs. */
async function waitFor(what, probe, { timeoutMs, intervalMs = 300, services } = {}) {
	const deadline = Date.now() + timeoutMs;
	const loop = (async () => {
		let last;
		while (Date.now() < deadline) {
			try {
				const v = await probe();
				if (v) return v;
			} catch (e) {
				last = e;
			}
			await sleep(intervalMs);
		}
		throw new Error(
			`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`,
		);
	})();
	return services ? services.guard(loop) : loop;
}

// ---------------------------------------------------------------- system packages

function which(cmd) {
	for (const dir of (process.env.PATH || '')
		.split(':')
		.concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
		const p = path.join(dir, cmd);
		try {
			fs.accessSync(p, fs.constants.X_OK);
			return p;
		} catch {
			/* next */
		}
	}
	return undefined;
}

/** /usr/lib/postgresql/<highest version>/bin, if it has initdb and postgres. */
function pgBinDir() {
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return undefined;
	const versions = fs
		.readdirSync(base)
		.filter(
			(v) =>
				fs.existsSync(path.join(base, v, 'bin', 'initdb')) &&
				fs.existsSync(path.join(base, v, 'bin', 'postgres')),
		)
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(base, versions[0], 'bin') : undefined;
}

/**
 * Install redis-server / postgresql from Debian packages when missing (root only). Resolves
 * { redisServer, pgBin, installed: [...], ms }.
 */
async function ensureSystemPackages() {
	const t = Date.now();
	const missing = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!pgBinDir()) missing.push('postgresql');
	if (missing.length) {
		if (process.getuid?.() !== 0) {
			throw new Error(
				`missing ${missing.join(', ')}; install them first: sudo apt-get install -y ${missing.join(' ')}`,
			);
		}
		log(`installing ${missing.join(', ')} (apt-get update && apt-get install -y)`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const up = await run('apt-get', ['update'], { env, timeoutMs: 5 * 60e3 });
		if (up.code !== 0)
			throw new Error(
				`apt-get update failed (exit ${up.code}):\n${(up.stdout + up.stderr).slice(-2000)}`,
			);
		const inst = await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
			env,
			timeoutMs: 10 * 60e3,
		});
		if (inst.code !== 0)
			throw new Error(
				`apt-get install ${missing.join(' ')} failed (exit ${inst.code}):\n${(inst.stdout + inst.stderr).slice(-2000)}`,
			);
	}
	const redisServer = which('redis-server');
	const pgBin = pgBinDir();
	if (!redisServer || !pgBin)
		throw new Error(
			`still missing after install: ${!redisServer ? 'redis-server ' : ''}${!pgBin ? 'postgresql' : ''}`,
		);
	return { redisServer, pgBin, installed: missing, ms: Date.now() - t };
}

// ---------------------------------------------------------------- Redis

function redisPing(port) {
	return new Promise((resolve) => {
		const sock = net.connect({ host: '127.0.0.1', port });
		let buf = '';
		const done = (v) => {
			sock.destroy();
			resolve(v);
		};
		sock.setTimeout(1000, () => done(false));
		sock.on('error', () => done(false));
		sock.on('connect', () => sock.write('PING\r\n'));
		sock.on('data', (d) => {
			buf += d;
			if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
		});
	});
}

/** redis-server on a free loopback port, nothing persisted. Resolves { port }. */
async function startRedis(services, { redisServer, dir }) {
	fs.mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const svc = services.create('redis');
	const child = spawnTracked(
		redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--protected-mode',
			'yes',
		],
		{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	svc.attach(child, () => stopGroup(child, 'SIGTERM', 5000));
	await waitFor('redis PING', () => redisPing(port), { timeoutMs: 15e3, services });
	return { port };
}

// ---------------------------------------------------------------- PostgreSQL

function systemUser(name) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${name}:`));
	if (!line) return undefined;
	const [, , uid, gid, , home] = line.split(':');
	return { uid: Number(uid), gid: Number(gid), home };
}

/** Run a command to completion as another user (uid/gid), bounded; resolves { code, out }. */
function runAs(cmd, args, { uid, gid, env, timeoutMs = 120e3 }) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			uid,
			gid,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		const timer = setTimeout(() => stopGroup(child, 'SIGTERM', 3000), timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, out });
		});
	});
}

/**
 * initdb + postgres on a free loopback port with a temporary data folder. initdb refuses to run as
 * root, so as root both run as the `postgres` system user (created by the Debian package).
 * Resolves { port, user, database, psql(sql, {db}) }.
 */
async function startPostgres(services, { pgBin, dir, database = 'n8n' }) {
	const asRoot = process.getuid?.() === 0;
	const owner = asRoot ? systemUser('postgres') : { uid: process.getuid(), gid: process.getgid() };
	if (!owner)
		throw new Error('running as root but there is no "postgres" system user to run PostgreSQL as');
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	if (asRoot) {
		fs.chownSync(dir, owner.uid, owner.gid);
		// The postgres user must be able to reach the folder.
		const tmp = path.resolve(os.tmpdir());
		for (let p = path.dirname(dir); p.startsWith(`${tmp}${path.sep}`); p = path.dirname(p)) {
			fs.chmodSync(p, fs.statSync(p).mode | 0o005);
		}
	}
	const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C', HOME: owner.home || dir };
	const init = await runAs(
		path.join(pgBin, 'initdb'),
		['-D', dir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
		{
			uid: owner.uid,
			gid: owner.gid,
			env,
			timeoutMs: 120e3,
		},
	);
	if (init.code !== 0)
		throw Object.assign(new Error(`initdb failed (exit ${init.code}):\n${init.out.slice(-2000)}`), {
			service: 'postgres',
		});

	const port = await freePort();
	const svc = services.create('postgres');
	const child = spawnTracked(
		path.join(pgBin, 'postgres'),
		[
			'-D',
			dir,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			`unix_socket_directories=${dir}`,
			'-c',
			'max_connections=200',
			// Throwaway database: durability off for speed.
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
		],
		{ uid: owner.uid, gid: owner.gid, env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	// SIGINT = "fast shutdown" (SIGTERM would wait for every client to disconnect).
	svc.attach(child, () => stopGroup(child, 'SIGINT', 10e3));

	const psql = async (sql, { db = database, timeoutMs = 30e3 } = {}) => {
		const r = await run(
			path.join(pgBin, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'postgres',
				'-d',
				db,
				'-v',
				'ON_ERROR_STOP=1',
				'-X',
				'-q',
				'-A',
				'-t',
				'-c',
				sql,
			],
			{ env: { ...process.env, PGCONNECT_TIMEOUT: '5' }, timeoutMs },
		);
		if (r.code !== 0)
			throw new Error(
				`psql failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim().slice(-1000)}\nSQL: ${sql.slice(0, 300)}`,
			);
		return r.stdout;
	};
	/** Rows of a SELECT as objects (json_agg on the server side). */
	const query = async (sql, opts) =>
		JSON.parse(
			(await psql(`SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) q`, opts)).trim() || '[]',
		);

	await waitFor(
		'postgres to accept connections',
		() => psql('SELECT 1', { db: 'postgres', timeoutMs: 5e3 }).then(() => true),
		{
			timeoutMs: 30e3,
			intervalMs: 300,
			services,
		},
	);
	await psql(`CREATE DATABASE ${database}`, { db: 'postgres' });
	return { port, user: 'postgres', database, psql, query };
}

// ---------------------------------------------------------------- n8n in queue mode

/**
 * H.N8n with queue-mode settings added to every command it runs (import, publish, start): the
 * shared PostgreSQL, Redis and encryption key. `startWorker()` adds `n8n worker`.
 */
class QueueN8n extends H.N8n {
	/** processEnv(name): extra settings for one long-running process ('main', 'worker1', ...). */
	constructor({ runtime, userFolder, queueEnv, processEnv = () => ({}) }) {
		super({ runtime, userFolder });
		this.queueEnv = queueEnv;
		this.processEnv = processEnv;
	}

	async env(extra = {}) {
		return super.env({ ...this.queueEnv, ...extra });
	}

	/** `n8n start` as a service. Resolves { baseUrl, port }. */
	async startMain(services, { timeoutMs = 240e3 } = {}) {
		const port = await freePort();
		const svc = services.create('main');
		const env = this.processEnv('main');
		const server = await services
			.guard(this.start({ port, env, timeoutMs, onOutput: (d) => svc.feed(d) }))
			.catch((e) => {
				e.service ??= 'main';
				throw e;
			});
		svc.attach(server.child, () => this.stop(), { pipe: false });
		return { baseUrl: server.baseUrl, port };
	}

	/**
	 * `n8n worker` as a service, with its own health-check port (its readiness endpoint tells when it
	 * is up), its own N8N_PORT and its own task-runner broker port. Resolves { name, healthPort }.
	 */
	async startWorker(services, name, { concurrency = 10, timeoutMs = 180e3 } = {}) {
		const healthPort = await freePort();
		const svc = services.create(name);
		const env = await this.env({
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_PORT: String(await freePort()),
			...this.processEnv(name),
		});
		const child = spawnTracked(
			this.runtime.nodeBin,
			[this.runtime.n8nBin, 'worker', `--concurrency=${concurrency}`],
			{
				env,
				cwd: this.userFolder,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		svc.attach(child, () => stopGroup(child, 'SIGTERM', 15e3));
		await waitFor(
			`${name} readiness on 127.0.0.1:${healthPort}`,
			async () =>
				(await H.request(`http://127.0.0.1:${healthPort}/healthz/readiness`, { timeoutMs: 2000 }))
					.status === 200,
			{ timeoutMs, intervalMs: 500, services },
		).catch((e) => {
			e.service ??= name;
			throw e;
		});
		return { name, healthPort, svc };
	}
}

/** The environment every queue-mode process shares (main, workers, CLI commands). */
function queueEnvironment({ redisPort, pg, encryptionKey, binaryDataMode = 'database' }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_ENCRYPTION_KEY: encryptionKey,
		// n8n 2.40.7 defaults to 'database' in queue mode; set explicitly so the run says what it tests.
		N8N_DEFAULT_BINARY_DATA_MODE: binaryDataMode,
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		N8N_LOG_LEVEL: 'info', // workers log "Worker started execution <id> (job <id>)" at info
	};
}

/** Parse flatted execution data (execution_data.data) with the flatted copy inside the n8n install. */
function flattedParser(runtime) {
	const nodeModules = path.resolve(path.dirname(runtime.n8nBin), '..', '..');
	const flatted = require(path.join(nodeModules, 'flatted'));
	return (text) => flatted.parse(text);
}

module.exports = {
	Service,
	Services,
	stopGroup,
	waitFor,
	which,
	pgBinDir,
	ensureSystemPackages,
	startRedis,
	startPostgres,
	QueueN8n,
	queueEnvironment,
	flattedParser,
	sleep,
	log,
};
