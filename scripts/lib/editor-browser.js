// @ts-check
'use strict';
// The n8n editor in headless Debian Chromium driven by playwright-core, logged in as the owner:
// what scripts/screenshots.js and the chains' execution screenshot (lib/chains-screenshot.js) share.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Hide things that are not about the package: tooltips, the assistant and chat buttons, motion. */
const CLEANUP_CSS = `
  *, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }
  [data-test-id="ask-assistant-floating-button"], [data-test-id="canvas-chat-button"], .el-tooltip__popper, [role="tooltip"] { display: none !important; }
`;

/** Throws a hint on how to get a browser when there is none. */
function assertBrowser() {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=...)`);
}

/**
 * Starts Chromium with a throw-away profile and logs in to the editor at `base` as `owner`.
 * Returns the browser context and `close()`, which also deletes the profile.
 * @param {{ base: string, owner: { email: string, password: string }, viewport: { width: number, height: number }, profilePrefix: string }} opts
 */
async function openEditor({ base, owner, viewport, profilePrefix }) {
	assertBrowser();
	const { chromium } = require('playwright-core');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), profilePrefix));
	const removeProfile = () => fs.rmSync(profile, { recursive: true, force: true });
	let context;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport,
			deviceScaleFactor: 1,
			locale: 'en-US',
			timezoneId: 'UTC',
			colorScheme: 'light',
			timeout: 60e3,
		});
	} catch (e) {
		removeProfile();
		throw e;
	}
	const close = async () => {
		await context.close().catch(() => {});
		removeProfile();
	};
	try {
		context.setDefaultTimeout(30e3);
		const res = await context.request.post(`${base}/rest/login`, {
			data: { emailOrLdapLoginId: owner.email, password: owner.password },
		});
		if (!res.ok())
			throw new Error(`login failed: ${res.status()} ${(await res.text()).slice(0, 300)}`);
	} catch (e) {
		await close();
		throw e;
	}
	return { context, close };
}

/** Writes a PNG of the page and returns its size in KB. */
async function saveScreenshot(page, file) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
	return Math.round(fs.statSync(file).size / 1024);
}

module.exports = { CHROMIUM, CLEANUP_CSS, assertBrowser, openEditor, saveScreenshot };
