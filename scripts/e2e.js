#!/usr/bin/env node
// @ts-check
'use strict';
// npm run e2e: the end-to-end suite (test/e2e/*.e2e.js) in a real headless n8n.
//   N8N_LINE=1 npm run e2e   -> the same suite on n8n 1.x (Node 20)
//   E2E_KEEP=1               -> keep the temporary n8n folder for inspection
// Runs them with jest (jest.e2e.config.js), one file at a time: each file starts its own n8n.
const path = require('node:path');
const fs = require('node:fs');
const { run } = require('../harness/proc');

const REPO = path.resolve(__dirname, '..');
const files = fs
	.readdirSync(path.join(REPO, 'test', 'e2e'))
	.filter((f) => f.endsWith('.e2e.js'))
	// `node scripts/e2e.js agent` runs only test/e2e/agent.e2e.js (npm run e2e:agent).
	.filter(
		(f) => process.argv.length <= 2 || process.argv.slice(2).some((name) => f === `${name}.e2e.js`),
	)
	.map((f) => path.join('test', 'e2e', f));

(async () => {
	const started = Date.now();
	const r = await run(
		process.execPath,
		[
			require.resolve('jest/bin/jest'),
			'--config',
			'jest.e2e.config.js',
			'--runInBand',
			'--verbose',
			'--runTestsByPath',
			...files,
		],
		{
			cwd: REPO,
			timeoutMs: 30 * 60e3, // includes a first-time n8n install
			onStdout: (d) => process.stdout.write(d),
			onStderr: (d) => process.stderr.write(d),
		},
	);
	const s = ((Date.now() - started) / 1000).toFixed(1);
	const line =
		process.env.N8N_LINE === '1'
			? `1.x (${process.env.N8N1_VERSION || 'default'})`
			: `2.x (${process.env.N8N2_VERSION || 'default'})`;
	console.log(
		`\ne2e (n8n ${line}): ${r.code === 0 ? 'passed' : 'FAILED'} in ${s}s${r.timedOut ? ' (timed out)' : ''}`,
	);
	process.exit(r.code === 0 ? 0 : 1);
})();
