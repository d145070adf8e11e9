// @ts-check
'use strict';
// Step "http": Custom API Call, as the operation list suggests: an HTTP Request node with
// Authentication "Predefined Credential Type" → Freepik API lists the tasks (the credential puts
// the key on the request; the simulator refuses requests without it).
const U = require('./editor-ui');
const { executeStep, ndvOf } = require('./editor-walk-run');

async function addNode(page, term, name) {
	await page.keyboard.press('Escape');
	await page.locator(U.byTest('node-creator-plus-button')).first().click();
	await U.searchCreator(page, term);
	await page
		.locator(`${U.byTest('node-creator')} ${U.byTest('item-iterator-item')}`)
		.filter({ hasText: name })
		.first()
		.click();
	await ndvOf(page).waitFor({ state: 'visible', timeout: 30e3 });
}

const httpStep = {
	name: 'http',
	required: false,
	async run({ page, env, check, log }) {
		await U.closeNdv(page);
		await addNode(page, 'HTTP Request', 'HTTP Request');
		const ndv = ndvOf(page);
		await U.fillParameter(ndv, 'url', `${env.sim.apiUrl}/v1/ai/audio-isolation`);
		await U.selectOption(page, ndv, 'authentication', 'Predefined Credential Type');
		await U.selectOption(page, ndv, 'nodeCredentialType', 'Freepik API');
		const slot = ndv.locator(U.byTest('node-credentials-select')).first();
		await U.waitValue(slot.locator('input').first().or(slot), /Freepik account/, 10e3);
		const output = await executeStep(page);
		await output.locator(U.byTest('radio-button-json')).first().click();
		await page.waitForTimeout(500);
		const text = (await output.innerText()).replace(/\s+/g, ' ');
		check(
			(await output.locator(U.byTest('node-run-status-success')).count()) > 0,
			'HTTP Request with the Freepik API credential succeeds',
			text.slice(0, 200),
		);
		check(/task_id/.test(text), 'it lists the tasks (task_id in the output)', text.slice(0, 200));
		await U.shoot(page, 'editor-custom-api-call', log);
		await U.closeNdv(page);
	},
};

module.exports = { httpStep, addNode };
