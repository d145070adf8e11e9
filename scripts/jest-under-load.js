#!/usr/bin/env node
'use strict';
// npm run test:load: the jest suite K times in a row while N busy-loop processes keep every core
// busy, stopping at the first failing run. A test that depends on how fast the machine is (a sleep
// that must be long enough, a wall-clock budget) fails here; one that waits on what it checks does
// not. Not part of test:all: it runs jest ten times over.
//
//   npm run test:load                    10 runs, one busy process per core
//   npm run test:load -- --runs 3 --busy 4 [jest args…, e.g. test/simulator]
const { spawn } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
// A busy process lives at most this long, so none outlives a killed script.
const BUSY_LIMIT_S = 4 * 60 * 60;

function parseArgs(argv) {
	const args = { runs: 10, busy: os.availableParallelism?.() ?? os.cpus().length, jest: [] };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--runs') args.runs = Number(argv[++i]);
		else if (argv[i] === '--busy') args.busy = Number(argv[++i]);
		else args.jest.push(argv[i]);
	}
	for (const key of ['runs', 'busy']) {
		if (!Number.isInteger(args[key]) || args[key] < 0)
			throw new Error(`--${key} must be a whole number ≥ 0, got ${args[key]}`);
	}
	return args;
}

/**
 * One busy loop per core (`node -e "for(;;){}"`). A timer cannot fire inside the loop, so the loop
 * reads the clock itself and ends after BUSY_LIMIT_S even if this script is killed without cleanup.
 */
function startBusy(count) {
	const loop = `const end = Date.now() + ${BUSY_LIMIT_S * 1000}; for (;;) if (Date.now() > end) break;`;
	return Array.from({ length: count }, () =>
		spawn(process.execPath, ['-e', loop], { stdio: 'ignore' }),
	);
}

function stopBusy(children) {
	for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

const load = () =>
	os
		.loadavg()
		.map((n) => n.toFixed(2))
		.join(' ');

/** One jest run (async, so a signal to this script is handled while jest runs). */
function runJest(jestArgs, running) {
	const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
	const started = Date.now();
	const child = spawn(process.execPath, [jest, '--silent', ...jestArgs], {
		cwd: ROOT,
		stdio: 'inherit',
	});
	running.add(child);
	return new Promise((resolve) =>
		child.on('exit', (code) => {
			running.delete(child);
			resolve({ ok: code === 0, seconds: (Date.now() - started) / 1000 });
		}),
	);
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const busy = startBusy(args.busy);
	const running = new Set();
	const stopAll = () => stopBusy([...running, ...busy]);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
		process.on(signal, () => {
			stopAll();
			process.exit(130);
		});
	process.on('exit', stopAll);
	console.log(`test:load: ${args.busy} busy-loop process(es) on ${os.cpus().length} core(s)`);
	try {
		process.exitCode = (await runAll(args, running)) ? 0 : 1;
	} finally {
		stopAll();
	}
}

/** The runs, one after the other; false at the first failing one. */
async function runAll(args, running) {
	for (let run = 1; run <= args.runs; run++) {
		const { ok, seconds } = await runJest(args.jest, running);
		const verdict = ok ? 'passed' : 'FAILED';
		console.log(
			`test:load: run ${run}/${args.runs} ${verdict} in ${seconds.toFixed(0)} s (load ${load()})`,
		);
		if (!ok) {
			console.log(`test:load: ${run - 1} of ${run} runs passed; stopped at the first failure`);
			return false;
		}
	}
	console.log(`test:load: all ${args.runs} runs passed`);
	return true;
}

void main();
