// @ts-check
'use strict';
// What the service-based e2e suites (scripts/e2e-chains.js, scripts/e2e-queue.js) share:
//  - Service / Services: long-running processes with a log file, a tail for error reports, line
//    hooks and a bounded stop; `waitFor` polls a probe, bounded, and fails as soon as a service dies;
//  - tcpProbe: the first line a loopback TCP port answers (an SSH banner, Redis's +PONG);
//  - ensureDebianPackages: apt-get install of what is missing (root, no prompt, services kept down);
//  - parseFlags and Suite: flags, a temporary root with its log folder, checks, timings, a hard time
//    limit, and the teardown, summary line and exit code every run ends with.
// Plain CommonJS, no dependencies.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { run } = require('../../harness/proc');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// eslint-disable-next-line no-control-regex -- the escape character starts an ANSI colour code
const ANSI = /\x1b\[[0-9;]*m/g;

// ---------------------------------------------------------------- services and their logs

/** n8n's own processes: `main` and `worker…`; they stop first, and their logs explain failures. */
const isN8nService = (name) => name === 'main' || name.startsWith('worker');

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
		this.stopped = undefined; // the stop, once started
	}

	feed(chunk) {
		const text = String(chunk);
		this.stream.write(text);
		this.tailText = (this.tailText + text).slice(-30000);
		const lines = (this.partial + text).split('\n');
		this.partial = /** @type {string} */ (lines.pop());
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

	/** Stops it once; later calls wait for the same stop. */
	stop() {
		this.stopping = true;
		this.stopped ??= (async () => {
			try {
				if (this.stopFn) await this.stopFn();
			} finally {
				await new Promise((r) => this.stream.end(r));
			}
		})();
		return this.stopped;
	}
}

/**
 * The set of services of one run. `failure` rejects as soon as a service exits while nobody is
 * stopping it; race long waits against it with `guard()`.
 */
class Services {
	constructor(logDir, { log = console.error } = {}) {
		this.logDir = logDir;
		this.log = log;
		this.list = [];
		this.failure = new Promise((_, reject) => (this.rejectFailure = reject));
		this.failure.catch(() => undefined);
	}

	create(name) {
		const svc = new Service(name, path.join(this.logDir, `${name}.log`));
		svc.exitListeners.push((s) => {
			if (s.stopping) return;
			/** @type {Error & { service?: string }} */
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
		const n8n = reversed.filter((s) => isN8nService(s.name));
		await Promise.all(
			n8n.map(async (s) => {
				const t = Date.now();
				await s.stop().catch((e) => this.log(`stopping ${s.name}: ${e.message}`));
				times[s.name] = Date.now() - t;
			}),
		);
		for (const s of reversed.filter((x) => !n8n.includes(x))) {
			const t = Date.now();
			await s.stop().catch((e) => this.log(`stopping ${s.name}: ${e.message}`));
			times[s.name] = Date.now() - t;
		}
		return times;
	}

	/** @param {{ lines?: number, only?: string[] }} [options] */
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
			resolve(undefined);
		});
		kill(signal);
	});
}

/**
 * Polls `probe` until it returns a truthy value; throws `what` after timeoutMs.
 * @param {string} what
 * @param {() => any} probe
 * @param {{ timeoutMs: number, intervalMs?: number, services?: Services }} options
 */
async function waitFor(what, probe, { timeoutMs, intervalMs = 300, services }) {
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

// ---------------------------------------------------------------- probes and packages

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

/**
 * Connects to 127.0.0.1:port, writes `send` (if any) and resolves the first line it answers
 * (without the line break), or undefined when nothing came within timeoutMs.
 */
/**
 * @param {number} port
 * @param {{ send?: string, timeoutMs?: number }} [options]
 */
function tcpProbe(port, { send, timeoutMs = 1000 } = {}) {
	return new Promise((resolve) => {
		const sock = net.connect({ host: '127.0.0.1', port });
		let buf = '';
		const done = (v) => {
			sock.destroy();
			resolve(v);
		};
		sock.setTimeout(timeoutMs, () => done(undefined));
		sock.on('error', () => done(undefined));
		if (send !== undefined) sock.on('connect', () => sock.write(send));
		sock.on('data', (d) => {
			buf += d;
			if (buf.includes('\n')) done(buf.split('\n')[0].replace(/\r$/, ''));
		});
	});
}

/**
 * Installs the Debian packages of `wanted` that are missing: [{ pkg, bin }] (missing when `bin` is
 * not on the PATH) or [{ pkg, found: () => boolean }]. Root only: apt-get update once, then
 * apt-get install, non-interactive, waiting up to 5 min for the dpkg lock; services are kept from
 * starting during the install (policy-rc.d), so e.g. the system sshd does not come up on port 22.
 * Resolves the list of packages installed.
 */
async function ensureDebianPackages(wanted, { log = console.error } = {}) {
	const present = (w) => (w.found ? w.found() : !!which(w.bin));
	const missing = wanted.filter((w) => !present(w)).map((w) => w.pkg);
	if (!missing.length) return [];
	if (process.getuid?.() !== 0) {
		throw new Error(
			`missing ${missing.join(', ')}; install them first: sudo apt-get install -y ${missing.join(' ')}`,
		);
	}
	log(`installing ${missing.join(', ')} (apt-get update && apt-get install -y)`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const lock = ['-o', 'DPkg::Lock::Timeout=300'];
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !fs.existsSync(policy);
	if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
	try {
		const up = await run('apt-get', [...lock, 'update'], { env, timeoutMs: 5 * 60e3 });
		if (up.code !== 0)
			throw new Error(
				`apt-get update failed (exit ${up.code}):\n${(up.stdout + up.stderr).slice(-2000)}`,
			);
		const inst = await run(
			'apt-get',
			[...lock, 'install', '-y', '--no-install-recommends', ...missing],
			{ env, timeoutMs: 10 * 60e3 },
		);
		if (inst.code !== 0)
			throw new Error(
				`apt-get install ${missing.join(' ')} failed (exit ${inst.code}):\n${(inst.stdout + inst.stderr).slice(-2000)}`,
			);
	} finally {
		if (ownPolicy) fs.rmSync(policy, { force: true });
	}
	const still = wanted.filter((w) => !present(w));
	if (still.length)
		throw new Error(`still missing after install: ${still.map((w) => w.pkg).join(', ')}`);
	return missing;
}

// ---------------------------------------------------------------- flags

/**
 * `--name value`, `--name=value` and bare `--flag`s into a copy of `defaults`. `spec` maps each
 * flag to [key, 'number' | 'string' | 'path' | 'flag']. Throws on an unknown flag or a missing value.
 */
function parseFlags(argv, defaults, spec) {
	const opts = { ...defaults };
	for (let i = 0; i < argv.length; i++) {
		const eq = argv[i].indexOf('=');
		const flag = eq === -1 ? argv[i] : argv[i].slice(0, eq);
		if (!spec[flag]) throw new Error(`unknown argument ${argv[i]}`);
		const [key, type] = spec[flag];
		if (type === 'flag') {
			opts[key] = true;
			continue;
		}
		const raw = eq === -1 ? argv[++i] : argv[i].slice(eq + 1);
		if (raw === undefined) throw new Error(`${flag} needs a value`);
		opts[key] = type === 'number' ? Number(raw) : type === 'path' ? path.resolve(raw) : raw;
	}
	return opts;
}

/** Throws unless opts[key] is an integer in [min, max]; the message names the flag (--mode-task-ms). */
function requireInt(opts, key, min, max = Infinity) {
	const v = opts[key];
	const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
	if (!(Number.isInteger(v) && v >= min && v <= max))
		throw new Error(
			`${flag} must be an integer${max === Infinity ? ` >= ${min}` : ` in ${min}..${max}`}`,
		);
}

// ---------------------------------------------------------------- one run

/**
 * One e2e run: `new Suite('queue')`, then `suite.run(body)`. The body gets the suite: `root`
 * (temporary folder), `logDir`, `services`, `check()`, `timed()`, `log()`, `armTimeLimit()` and
 * `onTeardown()`. Whatever happens, run() stops every service (n8n first), runs the teardowns, keeps
 * the root on failure (or with `keep`), prints the timings and `e2e:<name> passed|FAILED in N s
 * (passed/total checks)`, and exits 0 only when the body finished and every check passed.
 */
class Suite {
	constructor(name) {
		this.name = name;
		this.checks = [];
		this.timings = {};
		this.teardowns = [];
		this.log = (...a) => console.error(`[${name}]`, ...a);
		this.check = this.check.bind(this);
		this.timed = this.timed.bind(this);
	}

	/** Parses the flags with parseFlags(), then `validate(opts)`; on an error prints it and exits 2. */
	/** @param {(opts: any) => void} [validate] */
	options(defaults, spec, validate = () => {}) {
		try {
			const opts = parseFlags(process.argv.slice(2), defaults, spec);
			validate(opts);
			return opts;
		} catch (e) {
			console.error(`e2e:${this.name}: ${e.message}`);
			process.exit(2);
		}
	}

	check(ok, what, detail = '') {
		this.checks.push({ ok: !!ok, what, detail });
		console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? ` — ${detail}` : ''}`);
		return !!ok;
	}

	async timed(name, fn) {
		const t = Date.now();
		try {
			return await fn();
		} finally {
			this.timings[name] = Date.now() - t;
			this.log(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
		}
	}

	/** Exits with a failure (every tracked child SIGKILLed by harness/proc.js) after `ms`. */
	armTimeLimit(ms) {
		clearTimeout(this.hardStop);
		this.hardStop = setTimeout(() => {
			console.error(
				`\n[${this.name}] FAILED: time limit of ${ms / 1000} s reached (kept ${this.root})\n${/** @type {Services} */ (this.services).report()}`,
			);
			process.exit(1);
		}, ms);
		this.hardStop.unref();
	}

	/** `fn` runs at the end, after the services have stopped (last registered, first run). */
	onTeardown(fn) {
		this.teardowns.unshift(fn);
	}

	async run(body, { keep = false } = {}) {
		const started = Date.now();
		this.root = fs.mkdtempSync(path.join(os.tmpdir(), `freepik-${this.name}-`));
		this.logDir = path.join(this.root, 'logs');
		fs.mkdirSync(this.logDir);
		this.services = new Services(this.logDir, { log: this.log });
		let aborted = false;
		try {
			await body(this);
		} catch (error) {
			aborted = true;
			console.error(
				`\n[${this.name}] FAILED${error.service ? ` (service: ${error.service})` : ''}: ${error.stack || error.message}`,
			);
			const only = error.service ? [error.service] : undefined;
			console.error(this.services.report({ lines: 40, only }));
		} finally {
			await this.#teardown(keep || aborted || this.checks.some((c) => !c.ok));
		}
		const bad = this.checks.filter((c) => !c.ok);
		if (!aborted && bad.length) {
			const n8n = this.services.list.map((s) => s.name).filter(isN8nService);
			console.error(
				`\n[${this.name}] ${bad.length} check(s) failed; n8n log tail:\n${this.services.report({ lines: 20, only: n8n })}`,
			);
		}
		const timings = Object.entries(this.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`);
		console.log(`\ntimings (s): ${timings.join(', ')}`);
		const ok = !aborted && bad.length === 0;
		console.log(
			`e2e:${this.name} ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s (${this.checks.length - bad.length}/${this.checks.length} checks${aborted ? ', aborted' : ''})`,
		);
		process.exit(ok ? 0 : 1);
	}

	async #teardown(keepRoot) {
		const t = Date.now();
		const stopTimes = await /** @type {Services} */ (this.services).stopAll();
		for (const fn of this.teardowns) {
			try {
				await fn();
			} catch (e) {
				this.log(`teardown: ${e.message}`);
			}
		}
		this.timings.shutdown = Date.now() - t;
		this.log(
			`shutdown: ${(this.timings.shutdown / 1000).toFixed(1)} s ${JSON.stringify(stopTimes)}`,
		);
		if (keepRoot) console.error(`[${this.name}] kept ${this.root} (logs in ${this.logDir})`);
		else fs.rmSync(/** @type {string} */ (this.root), { recursive: true, force: true });
		clearTimeout(this.hardStop);
	}
}

module.exports = {
	Service,
	Services,
	isN8nService,
	stopGroup,
	waitFor,
	sleep,
	which,
	tcpProbe,
	ensureDebianPackages,
	parseFlags,
	requireInt,
	Suite,
};
