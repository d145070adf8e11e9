#!/usr/bin/env node
// @ts-check
'use strict';
// npm run contract:live: checks Freepik's published contract (test/contract/fixtures) against the
// real API, at the cost of one short task, and prints what matched. See README "Checking the
// contract against the live API".
//
//   FREEPIK_API_KEY=… npm run contract:live -- --yes        (or MAGNIFIC_API_KEY=…)
//   npm run contract:live -- --simulator                    (CI: the local simulator, loopback only)
//   FREEPIK_API_KEY=… npm run contract:live -- --yes --base-url https://proxy.example
//
// Exit code: 0 when every checked point matched (or nothing was run), 1 otherwise.

const { runChecks } = require('./lib/contract-checks');
const { makeIo } = require('./lib/contract-io');

const HOSTS = {
	freepik: { baseUrl: 'https://api.freepik.com', keyHeader: 'x-freepik-api-key' },
	magnific: { baseUrl: 'https://api.magnific.com', keyHeader: 'x-magnific-api-key' },
};

const USAGE = `npm run contract:live checks Freepik's published API contract against the real API.
It creates ONE short audio-isolation task (about a second of audio: a small charge on your
account), lists tasks, downloads the result and sends two calls with a wrong or no key.

  FREEPIK_API_KEY=<key> npm run contract:live -- --yes
  MAGNIFIC_API_KEY=<key> npm run contract:live -- --yes      (api.magnific.com)
  options: --base-url <url> (or CONTRACT_BASE_URL), --max-wait <seconds> (default 300)
  npm run contract:live -- --simulator    the same checks against the local simulator (no key)`;

function parseArgs(argv) {
	const args = {
		yes: false,
		simulator: false,
		baseUrl: process.env.CONTRACT_BASE_URL,
		maxWait: 300,
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--yes') args.yes = true;
		else if (arg === '--simulator') args.simulator = true;
		else if (arg === '--base-url') args.baseUrl = argv[++i];
		else if (arg === '--max-wait') args.maxWait = Number(argv[++i]);
		else if (arg === '--help' || arg === '-h') args.help = true;
		else throw new Error(`unknown argument ${arg}`);
	}
	if (!(args.maxWait > 0)) throw new Error('--max-wait takes a number of seconds');
	return args;
}

/** The key and where it goes, from the environment; undefined without a key. */
function liveTarget(args) {
	const freepik = process.env.FREEPIK_API_KEY?.trim();
	const magnific = process.env.MAGNIFIC_API_KEY?.trim();
	const host = freepik ? HOSTS.freepik : magnific ? HOSTS.magnific : undefined;
	if (!host) return undefined;
	return {
		key: freepik || magnific,
		keyHeader: host.keyHeader,
		baseUrl: args.baseUrl || host.baseUrl,
	};
}

function printTable(rows) {
	const cols = ['point', 'docs', 'seen', 'result'];
	const width = (c) => Math.min(60, Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
	const cell = (text, c) => String(text).slice(0, width(c)).padEnd(width(c));
	console.log(cols.map((c) => cell(c, c)).join(' | '));
	console.log(cols.map((c) => '-'.repeat(width(c))).join('-|-'));
	for (const r of rows) console.log(cols.map((c) => cell(r[c], c)).join(' | '));
}

async function againstSimulator(args) {
	const { createSimulator } = require('../simulator');
	const sim = await createSimulator({ taskDurationMs: 400, rateLimit: true });
	try {
		const io = makeIo({
			baseUrl: sim.apiUrl,
			key: sim.apiKey,
			keyHeader: 'x-freepik-api-key',
			loopbackOnly: true,
			pollMs: 100,
			maxWaitMs: args.maxWait * 1000,
		});
		return await runChecks(io);
	} finally {
		await sim.close();
	}
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) return (console.log(USAGE), 0);
	let rows;
	if (args.simulator) {
		console.log('contract:live against the local simulator (127.0.0.1 only, no key, no cost)');
		rows = await againstSimulator(args);
	} else {
		const target = liveTarget(args);
		if (!target || !args.yes) {
			console.log(USAGE);
			if (target) console.log('\nA key is set: add --yes to accept the one short task.');
			return 0;
		}
		console.log(`contract:live against ${new URL(target.baseUrl).host}: creating one short task`);
		const io = makeIo({
			...target,
			loopbackOnly: false,
			pollMs: 3000,
			maxWaitMs: args.maxWait * 1000,
		});
		rows = await runChecks(io);
	}
	printTable(rows);
	const failed = rows.filter((r) => r.result === 'NOT matched').length;
	console.log(
		`\n${rows.length - failed} of ${rows.length} points matched or not checked; ${failed} did not.`,
	);
	return failed ? 1 : 0;
}

main().then(
	(code) => (process.exitCode = code),
	(error) => {
		console.error(`contract:live: ${error.message}`);
		process.exitCode = 1;
	},
);
