// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/* global document -- page.waitForFunction's callback runs in the browser */
'use strict';
// `node scripts/e2e-chains.js --screenshot FILE`: the editor's view of one finished execution of
// the scheduled chain, in the same logged-in headless Chromium as scripts/screenshots.js
// (lib/editor-browser.js). Creates the owner account of the throwaway n8n to log in.
const { CLEANUP_CSS, openEditor, saveScreenshot } = require('./editor-browser');

const OWNER = {
	email: 'chains@example.com',
	password: 'Freepik-chains-1',
	firstName: 'Chains',
	lastName: 'Owner',
};
const VIEWPORT = { width: 1440, height: 760 };

async function screenshotExecution({ n8n, workflowId, executionId, file, log }) {
	await n8n.setupOwner(OWNER);
	const base = n8n.server.baseUrl;
	const { context, close } = await openEditor({
		base,
		owner: OWNER,
		viewport: VIEWPORT,
		profilePrefix: 'freepik-chains-chromium-',
	});
	try {
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
					].some((d) => /** @type {Document} */ (d).querySelector('[data-test-id="canvas-node"]')),
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
		const kb = await saveScreenshot(page, file);
		log(`screenshot of execution #${executionId}: ${file} (${kb} KB)`);
	} finally {
		await close();
	}
}

module.exports = { screenshotExecution };
