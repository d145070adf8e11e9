'use strict';
// Bounded child processes. Every child runs in its own process group so that n8n's task-runner
// children die with it, and every child still alive when this process exits is SIGKILLed.
const { spawn } = require('node:child_process');
const net = require('node:net');

const live = new Set();

function killGroup(child, signal) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

process.on('exit', () => {
	for (const child of live) killGroup(child, 'SIGKILL');
});
// Make Ctrl-C / SIGTERM go through 'exit' so the handler above runs, unless the script handles
// the signal itself (dev.js stops n8n gracefully).
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(sig, () => {
		if (process.listenerCount(sig) === 1) process.exit(130);
	});
}

/** Spawn a long-running child (own process group, tracked for cleanup). */
function spawnTracked(cmd, args, options = {}) {
	const child = spawn(cmd, args, { ...options, detached: true });
	live.add(child);
	child.on('exit', () => live.delete(child));
	return child;
}

/**
 * Stop a child: SIGTERM to its group, SIGKILL after graceMs (n8n ignores SIGTERM while an
 * execution runs). Resolves when it has exited.
 */
/**
 * @param {import('node:child_process').ChildProcess | undefined} child
 * @returns {Promise<void>}
 */
function stopChild(child, graceMs = 5000) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			// The group may still hold grandchildren (task runner): make sure they go too.
			killGroup(child, 'SIGKILL');
			resolve();
		});
		killGroup(child, 'SIGTERM');
	});
}

/**
 * Run a command to completion, bounded by timeoutMs (then SIGTERM, SIGKILL after graceMs).
 * Resolves { code, signal, stdout, stderr, timedOut, ms }; never rejects for a non-zero exit.
 * onStderr/onStdout receive chunks as they arrive (progress display).
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, timeoutMs?: number, graceMs?: number,
 *   onStdout?: (chunk: Buffer) => void, onStderr?: (chunk: Buffer) => void }} [options]
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string,
 *   stderr: string, timedOut: boolean, ms: number }>}
 */
function run(cmd, args, { env, cwd, timeoutMs = 120000, graceMs = 5000, onStdout, onStderr } = {}) {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawnTracked(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.on('data', (d) => {
			stdout += d;
			if (onStdout) onStdout(d);
		});
		child.stderr.on('data', (d) => {
			stderr += d;
			if (onStderr) onStderr(d);
		});
		const timer = setTimeout(() => {
			timedOut = true;
			stopChild(child, graceMs);
		}, timeoutMs);
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			killGroup(child, 'SIGKILL');
			resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
		});
	});
}

/** A TCP port that was free a moment ago on 127.0.0.1. @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

module.exports = { run, spawnTracked, stopChild, freePort };
