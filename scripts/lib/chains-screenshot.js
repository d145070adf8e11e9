'use strict';
// `node scripts/e2e-chains.js --screenshot FILE`: the editor's view of one finished execution of
// the scheduled chain, taken with headless Debian Chromium driven by playwright-core (like
// scripts/screenshots.js). Creates the owner account of the throwaway n8n to log in.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OWNER = {
	email: 'chains@example.com',
	password: 'Freepik-chains-1',
	firstName: 'Chains',
	lastName: 'Owner',
};
const VIEWPORT = { width: 1440, height: 760 };
const CLEANUP_CSS = `
  *, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }
  [data-test-id="ask-assistant-floating-button"], [data-test-id="canvas-chat-button"], .el-tooltip__popper, [role="tooltip"] { display: none !important; }
`;

async function screenshotExecution({ n8n, workflowId, executionId, file, log }) {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=...)`);
	const { chromium } = require('playwright-core');
	await n8n.setupOwner(OWNER);
	const base = n8n.server.baseUrl;
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'freepik-chains-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
		colorScheme: 'light',
		timeout: 60e3,
	});
	try {
		context.setDefaultTimeout(30e3);
		const res = await context.request.post(`${base}/rest/login`, {
			data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
		});
		if (!res.ok())
			throw new Error(`login failed: ${res.status()} ${(await res.text()).slice(0, 300)}`);
		const page = await context.newPage();
		await page.goto(`${base}/workflow/${workflowId}/executions/${executionId}`, {
			waitUntil: 'domcontentloaded',
		});
		// The execution preview is an iframe holding a read-only canvas.
		try {
			await page.waitForFunction(
				() =>
					[
						document,
						...[...document.querySelectorAll('iframe')]
							.map((f) => f.contentDocument)
							.filter(Boolean),
					].some((d) => d.querySelector('[data-test-id="canvas-node"]')),
				undefined,
				{ timeout: 60e3 },
			);
		} catch (e) {
			await page.screenshot({ path: `${file}.failed.png` }).catch(() => {});
			const frames = page.frames().map((f) => f.url());
			throw new Error(
				`${e.message.split('\n')[0]}; page ${page.url()}; frames ${frames.join(', ')}; see ${file}.failed.png`,
			);
		}
		await page.addStyleTag({ content: CLEANUP_CSS });
		await page.waitForTimeout(1500);
		await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
		log(
			`screenshot of execution #${executionId}: ${file} (${Math.round(fs.statSync(file).size / 1024)} KB)`,
		);
	} finally {
		await context.close().catch(() => {});
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

module.exports = { screenshotExecution };
