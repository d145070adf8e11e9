// @ts-check
'use strict';
// Step "search": a new workflow; "Freepik", "Magnific" and "isolate voice" typed into the
// first-step panel, a node's + handle and "Action in an app" each offer the Freepik app; in the
// app, the node's actions; "Isolate" added after the Manual Trigger is connected to it.
const U = require('./editor-ui');

const TERMS = ['Freepik', 'Magnific', 'isolate voice'];
const ISOLATE_ACTION = /Isolate a sound/;
const item = (page) =>
	page.locator(`${U.byTest('node-creator')} ${U.byTest('item-iterator-item')}`);

/** Checks that each term offers an entry named Freepik; `where` names the panel. */
async function checkTerms(page, where, check) {
	for (const term of TERMS) {
		const results = await U.searchCreator(page, term);
		check(
			results.some((r) => /^Freepik\b/.test(r)),
			`${where}: "${term}" offers Freepik`,
			JSON.stringify(results.slice(0, 4)),
		);
	}
}

async function addManualTrigger(page) {
	await page.locator(U.byTest('canvas-add-button')).first().click();
	await U.searchCreator(page, 'manual');
	await item(page).filter({ hasText: 'Manual Trigger' }).first().click();
	await page.locator(U.byTest('canvas-node')).first().waitFor({ timeout: 15e3 });
	await page.keyboard.press('Escape'); // closes the trigger's NDV when it opens
	await U.closeCreator(page);
}

const searchStep = {
	name: 'search',
	required: true,
	always: true,
	async run(ctx) {
		const { page, env, check, log } = ctx;
		await U.open(page, env.base, '/workflow/new', U.byTest('canvas-add-button'));
		await page.locator(U.byTest('canvas-add-button')).first().click();
		await checkTerms(page, 'first-step panel', check);
		await U.shoot(page, 'editor-search-first-step', log);
		await U.closeCreator(page);

		await addManualTrigger(page);
		await page.locator(U.byTest('canvas-handle-plus')).first().click();
		await checkTerms(page, "the trigger's + handle", check);
		await U.searchCreator(page, '');
		await item(page).filter({ hasText: 'Action in an app' }).first().click();
		await checkTerms(page, '"Action in an app"', check);
		await item(page)
			.filter({ hasText: /^\s*Freepik/ })
			.first()
			.click();
		const actions = await U.creatorResults(page);
		check(
			actions.some((a) => ISOLATE_ACTION.test(a)),
			'the Freepik app lists its actions',
			JSON.stringify(actions.slice(0, 6)),
		);
		await U.shoot(page, 'editor-search-actions', log);
		await item(page).filter({ hasText: ISOLATE_ACTION }).first().click();
		await page.locator(U.byTest('ndv')).first().waitFor({ state: 'visible', timeout: 30e3 });
		await U.closeNdv(page);
		ctx.freepikNode = 'Isolate a sound from audio or video';
		const nodes = await page.locator(U.byTest('canvas-node')).count();
		const edges = await page.locator(U.byTest('edge')).count();
		check(
			nodes === 2 && edges === 1,
			'Freepik added after the trigger is connected to it',
			`${nodes} nodes, ${edges} connection(s)`,
		);
		await U.shoot(page, 'editor-search-connected', log);
	},
};

module.exports = { searchStep };
