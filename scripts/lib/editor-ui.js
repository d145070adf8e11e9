// @ts-check
'use strict';
// Small moves in n8n's editor shared by the steps of lib/editor-walk.js (playwright-core page).
const path = require('node:path');
const { saveScreenshot } = require('./editor-browser');

const REPO = path.resolve(__dirname, '..', '..');
const byTest = (id) => `[data-test-id="${id}"]`;

// editor-browser's CLEANUP_CSS without its [role="tooltip"] rule: Element Plus dropdowns have it.
const WALK_CSS = `
  *, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }
  [data-test-id="ask-assistant-floating-button"], [data-test-id="canvas-chat-button"] { display: none !important; }
`;

/** Opens `route` of the editor and hides tooltips, the assistant button and motion. */
async function open(page, base, route, readySelector) {
	await page.goto(`${base}${route}`, { waitUntil: 'domcontentloaded', timeout: 90e3 });
	if (/\/signin/.test(page.url())) throw new Error('redirected to the sign-in page');
	await page.locator(readySelector).first().waitFor({ state: 'visible', timeout: 90e3 });
	await page.addStyleTag({ content: WALK_CSS });
}

async function dismissToasts(page) {
	for (const close of await page.locator('.el-notification .el-notification__closeBtn').all())
		await close.click({ timeout: 2000 }).catch(() => {});
}

// docs/screenshots/ for n8n 2.x (the README's pictures); e2e-editor.js sets another for 1.x.
let shotDir = path.join(REPO, 'docs', 'screenshots');
const setShotDir = (dir) => (shotDir = dir);

/** <shotDir>/<name>.png, the pointer parked where it shows no tooltip. */
async function shoot(page, name, log) {
	await page.mouse.move(1435, 895);
	await page.waitForTimeout(400);
	const file = path.join(shotDir, `${name}.png`);
	const kb = await saveScreenshot(page, file);
	log(`wrote ${path.relative(REPO, file)} (${kb} KB)`);
}

/** The visible text of the node creator's results (names of the nodes offered). */
async function creatorResults(page) {
	const creator = page.locator(byTest('node-creator')).first();
	await creator.waitFor({ state: 'visible', timeout: 15e3 });
	await page.waitForTimeout(500); // the list filters as one types
	// Retried once: n8n re-renders the panel when it saves the workflow (its URL changes).
	const texts = await creator
		.locator(byTest('item-iterator-item'))
		.allInnerTexts()
		.catch(() =>
			page
				.waitForTimeout(1000)
				.then(() => creator.locator(byTest('item-iterator-item')).allInnerTexts()),
		);
	return texts.map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Types `term` into the node creator's search bar (cleared first). */
async function searchCreator(page, term) {
	const bar = page.locator(`${byTest('node-creator')} ${byTest('node-creator-search-bar')}`);
	await bar.first().waitFor({ state: 'visible', timeout: 15e3 });
	await bar.first().fill(term);
	return creatorResults(page);
}

async function closeCreator(page) {
	await page.keyboard.press('Escape');
	await page
		.locator(byTest('node-creator'))
		.first()
		.waitFor({ state: 'hidden', timeout: 10e3 })
		.catch(() => {});
}

/** Waits until `locator` has text matching `re`; resolves the text. */
async function waitText(locator, re, timeoutMs = 30e3) {
	const deadline = Date.now() + timeoutMs;
	let text = '';
	while (Date.now() < deadline) {
		text = (await locator.allInnerTexts().catch(() => [])).join('\n');
		if (re.test(text)) return text;
		await new Promise((r) => setTimeout(r, 300));
	}
	throw new Error(`timed out waiting for ${re} (text: ${text.slice(0, 300)})`);
}

/** Picks `option` (its visible name) in the options parameter `name` inside `scope`. */
async function selectOption(page, scope, name, option) {
	await scope
		.locator(`${byTest(`parameter-input-${name}`)} input`)
		.first()
		.click();
	const item = page
		.locator('.el-select-dropdown__item:visible, [role="option"]:visible')
		.filter({ hasText: option });
	await item.first().click({ timeout: 10e3 });
	await page.waitForTimeout(300);
}

/** Types `value` into the text parameter `name` inside `scope` (replacing what is there). */
async function fillParameter(scope, name, value) {
	const input = scope
		.locator(
			`${byTest(`parameter-input-${name}`)} input, ${byTest(`parameter-input-${name}`)} textarea`,
		)
		.first();
	await input.click();
	await input.fill(value);
	await input.press('Tab');
}

/** Whether the parameter `name` is shown inside `scope`. */
async function shows(scope, name) {
	return scope
		.locator(byTest(`parameter-input-${name}`))
		.first()
		.isVisible();
}

/** Waits until the input's value matches `re`; resolves the last value seen either way. */
async function waitValue(input, re, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	let value = '';
	while (Date.now() < deadline) {
		value = await input.inputValue().catch(() => '');
		if (re.test(value)) break;
		await new Promise((r) => setTimeout(r, 250));
	}
	return value;
}

/** Closes the node view: the close button on 2.x, "Back to canvas" on 1.x. */
async function closeNdv(page) {
	const button = page.locator(`${byTest('ndv-close-button')}, ${byTest('back-to-canvas')}`);
	if (await button.first().isVisible()) await button.first().click();
	else await page.keyboard.press('Escape');
	await page
		.locator(byTest('ndv'))
		.first()
		.waitFor({ state: 'hidden', timeout: 10e3 })
		.catch(() => {});
}

module.exports = {
	setShotDir,
	closeNdv,
	waitValue,
	selectOption,
	fillParameter,
	shows,
	byTest,
	open,
	dismissToasts,
	shoot,
	creatorResults,
	searchCreator,
	closeCreator,
	waitText,
};
