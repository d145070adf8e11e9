// @ts-check
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
const { spawn } = require('node:child_process');
const { run, spawnTracked, freePort } = require('../../harness/proc');
const H = require('../../harness/n8n-headless');
const { stopGroup, waitFor, which, tcpProbe, ensureDebianPackages } = require('./e2e-suite');

const log = (...a) => console.error('[queue]', ...a);

// ---------------------------------------------------------------- system packages

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
 * Installs redis-server / postgresql from Debian packages when missing (root only). Resolves
 * { redisServer, pgBin, installed: [...], ms }.
 */
async function ensureSystemPackages() {
	const t = Date.now();
	const installed = await ensureDebianPackages(
		[
			{ pkg: 'redis-server', bin: 'redis-server' },
			{ pkg: 'postgresql', found: () => !!pgBinDir() },
		],
		{ log },
	);
	return { redisServer: which('redis-server'), pgBin: pgBinDir(), installed, ms: Date.now() - t };
}

// ---------------------------------------------------------------- Redis

const redisPing = async (port) => (await tcpProbe(port, { send: 'PING\r\n' })) === '+PONG';

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
	const owner = asRoot
		? systemUser('postgres')
		: {
				uid: /** @type {() => number} */ (process.getuid)(),
				gid: /** @type {() => number} */ (process.getgid)(),
			};
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
	/**
	 * processEnv(name): extra settings for one long-running process ('main', 'worker1', ...).
	 * @param {{ runtime: any, userFolder: string, queueEnv: Record<string, string>,
	 *   processEnv?: (name: string) => Record<string, string> }} options
	 */
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
		// Workers build the resume URLs of waiting executions ($execution.resumeUrl) from
		// WEBHOOK_URL: it must be main's, which serves /webhook-waiting/.
		this.webhookUrl = `${server.baseUrl}/`;
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
			...(this.webhookUrl ? { WEBHOOK_URL: this.webhookUrl } : {}),
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

// ---------------------------------------------------------------- executions in PostgreSQL

/** Statuses an execution does not leave. */
const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** Executions of the given workflows, oldest first: { id, workflowId, status, mode, finished, runMs }. */
async function executionsOf(pg, workflowIds) {
	const ids = workflowIds.map((id) => `'${id}'`).join(',');
	return pg.query(
		`SELECT e.id::text AS id, e."workflowId" AS "workflowId", e.status, e.mode, e.finished,
			round(extract(epoch FROM (e."stoppedAt" - e."startedAt")) * 1000) AS "runMs"
		 FROM execution_entity e WHERE e."workflowId" IN (${ids}) ORDER BY e.id`,
	);
}

/** The run data of one execution (execution_data.data, parsed with `parse`). */
async function executionData(pg, parse, id) {
	const text = await pg.psql(
		`SELECT data FROM execution_data WHERE "executionId" = ${Number(id)}`,
		{ timeoutMs: 60e3 },
	);
	return parse(text.replace(/\n$/, ''));
}

/** The items of a node's last run, output 0. */
const runItems = (data, nodeName) =>
	data?.resultData?.runData?.[nodeName]?.at(-1)?.data?.main?.[0] ?? [];

/** Parse flatted execution data (execution_data.data) with the flatted copy inside the n8n install. */
function flattedParser(runtime) {
	const nodeModules = path.resolve(path.dirname(runtime.n8nBin), '..', '..');
	const flatted = require(path.join(nodeModules, 'flatted'));
	return (text) => flatted.parse(text);
}

module.exports = {
	pgBinDir,
	ensureSystemPackages,
	startRedis,
	startPostgres,
	QueueN8n,
	queueEnvironment,
	flattedParser,
	TERMINAL,
	executionsOf,
	executionData,
	runItems,
};
