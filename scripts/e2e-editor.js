#!/usr/bin/env node
// @ts-check
'use strict';
// npm run e2e:editor — the user's path in n8n's editor, in a real browser (issue #21), loopback only.
//
// Publishes the `npm pack` tarball to a local npm registry (Verdaccio, lib/editor-registry.js),
// starts a fresh `n8n start` with no community package and the Freepik simulator, and drives the
// editor with Debian's chromium (playwright-core; installed with apt-get when missing) as a person:
//  1. Settings → Community Nodes → Install n8n-nodes-freepik (from the registry);
//  2. search "Freepik", "Magnific", "isolate voice" from the first-step panel, a node's + handle
//     and "Action in an app": the node is offered each time; added after the trigger = connected;
//  3. create a credential: default host Freepik, Base URL hidden; Custom → the simulator; tested;
//  4. Isolate from a URL, execute: the Binary tab shows the WAV named after the input;
//  5. Wait Mode "Resume on Webhook": Poll Interval and the Webhook URL option are hidden;
//  6. an HTTP Request node with the Freepik API credential (Custom API Call) lists tasks;
//  7. a validation error and a FAILED task read cleanly in the output panel.
// Screenshots of the steps go to docs/screenshots/editor-*.png (lib/editor-walk.js lists them).
//
//   node scripts/e2e-editor.js [--keep] [--only step,step]
//   N8N_LINE=1          n8n 1.x instead of 2.x
//   CHROMIUM=/path      browser binary (default /usr/bin/chromium)
//   E2E_EDITOR_TIMEOUT_MS  hard limit of the whole run (default 15 min)
const { Suite, ensureDebianPackages } = require('./lib/e2e-suite');
const { CHROMIUM, openEditor } = require('./lib/editor-browser');
const { startEnvironment } = require('./lib/editor-env');
const { STEPS } = require('./lib/editor-walk');
const { setShotDir } = require('./lib/editor-ui');
const fs = require('node:fs');
const path = require('node:path');

const LINE = process.env.N8N_LINE || '2';
const suite = new Suite(`editor-n8n${LINE}`);
const opts = suite.options(
	{
		keep: !!process.env.E2E_KEEP,
		only: '',
		timeoutMs: Number(process.env.E2E_EDITOR_TIMEOUT_MS || 15 * 60e3),
	},
	{ '--keep': ['keep', 'flag'], '--only': ['only', 'string'] },
	(o) => {
		for (const name of o.only.split(',').filter(Boolean))
			if (!STEPS.some((s) => s.name === name)) throw new Error(`--only: unknown step ${name}`);
	},
);

suite.run(
	async (s) => {
		s.armTimeLimit(opts.timeoutMs);
		await s.timed('chromium', () =>
			ensureDebianPackages([{ pkg: 'chromium', found: () => fs.existsSync(CHROMIUM) }], {
				log: s.log,
			}),
		);
		const env = await startEnvironment(s, LINE);
		// The README's pictures come from n8n 2.x; 1.x's stay with the run (kept with --keep).
		if (env.runtime.major < 2) setShotDir(path.join(s.root, 'screenshots'));
		const editor = await openEditor({
			base: env.base,
			owner: env.owner,
			viewport: { width: 1440, height: 900 },
			profilePrefix: 'freepik-e2e-editor-',
		});
		s.onTeardown(() => editor.close());
		const page = await editor.context.newPage();
		const ctx = { page, env, line: LINE, major: env.runtime.major, check: s.check, log: s.log };
		const only = opts.only.split(',').filter(Boolean);
		for (const step of STEPS) {
			if (only.length && !step.always && !only.includes(step.name)) continue;
			try {
				await s.timed(step.name, () => step.run(ctx));
			} catch (e) {
				const file = path.join(s.root, `failed-${step.name}.png`);
				await page.screenshot({ path: file }).catch(() => {});
				s.check(false, `${step.name} finished`, `${e.message.split('\n')[0]} (page: ${file})`);
				if (step.required) throw e;
			}
		}
	},
	{ keep: opts.keep },
);
