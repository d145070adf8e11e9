#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Starts the simulator in its own process and prints one JSON line:
 *   {"apiUrl":"http://127.0.0.1:PORT","fileUrl":"http://127.0.0.1:PORT2","apiKey":"..."}
 * then runs until SIGTERM/SIGINT.
 *
 * node simulator/cli.js [--port N] [--file-port N] [--api-key K] [--key-header H] [--webhook-secret S]
 *   [--task-duration-ms N] [--rate-limit] [--result-bytes N] [--result-count N] [--url-ttl-ms N]
 */

const { createSimulator } = require('./index');

/** @type {Record<string, [keyof import('./options').SimOptions, (raw: string) => unknown]>} */
const FLAGS = {
	'--port': ['port', Number],
	'--file-port': ['filePort', Number],
	'--api-key': ['apiKey', String],
	'--key-header': ['keyHeader', (v) => v.toLowerCase()],
	'--webhook-secret': ['webhookSecret', String],
	'--task-duration-ms': ['taskDurationMs', Number],
	'--result-bytes': ['resultBytes', Number],
	'--result-count': ['resultCount', Number],
	'--url-ttl-ms': ['urlTtlMs', Number],
};

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Record<string, unknown>} */
	const options = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--rate-limit') {
			options.rateLimit = true;
			continue;
		}
		const flag = FLAGS[arg];
		if (!flag) throw new Error(`unknown argument ${arg}`);
		const raw = argv[++i];
		if (raw === undefined) throw new Error(`${arg} needs a value`);
		const value = flag[1](raw);
		if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0))
			throw new Error(`${arg} needs a number >= 0`);
		options[flag[0]] = value;
	}
	return options;
}

async function main() {
	let options;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (err) {
		process.stderr.write(`simulator: ${err.message}\n`);
		process.exit(2);
	}
	const sim = await createSimulator(options);
	process.stdout.write(
		`${JSON.stringify({ apiUrl: sim.apiUrl, fileUrl: sim.fileUrl, apiKey: sim.apiKey })}\n`,
	);
	const stop = () => {
		sim.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

if (require.main === module) {
	main().catch((err) => {
		process.stderr.write(`simulator: ${err.stack ?? err}\n`);
		process.exit(1);
	});
}

module.exports = { parseArgs };
