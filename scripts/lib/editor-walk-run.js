// @ts-check
'use strict';
// Steps "isolate" and "resume": the Freepik node filled as a person does (a file URL), run with
// "Execute step": the Binary tab shows the WAV named after the input; then Wait Mode
// "Resume on Webhook" hides what does not apply to it.
const U = require('./editor-ui');

const INPUT_URL = 'https://example.com/podcast/episode-42.mp3';
const OUTPUT_NAME = 'episode-42-isolated.wav';

const ndvOf = (page) => page.locator(U.byTest('ndv')).first();

/** "Execute step" in the open NDV; resolves the output panel once the run has finished. */
async function executeStep(page) {
	await page.locator(U.byTest('node-execute-button')).first().click();
	const output = page.locator(U.byTest('output-panel')).first();
	await output
		.locator(`${U.byTest('node-run-status-success')}, ${U.byTest('node-run-info')}, .error`)
		.or(output.locator(U.byTest('node-error-message')))
		.or(page.locator('.el-notification').filter({ hasText: /cannot start|problem/i }))
		.first()
		.waitFor({ state: 'visible', timeout: 90e3 });
	return output;
}

const isolateStep = {
	name: 'isolate',
	required: false,
	async run({ page, check, log }) {
		const ndv = ndvOf(page);
		await U.fillParameter(ndv, 'description', 'A person speaking');
		await U.selectOption(page, ndv, 'inputSource', 'URL');
		await U.fillParameter(ndv, 'url', INPUT_URL);
		const output = await executeStep(page);
		const ok = await output.locator(U.byTest('node-run-status-success')).count();
		check(ok > 0, 'Execute step succeeds against the simulator');
		await output.locator(U.byTest('radio-button-binary')).first().click();
		const card = output.locator(U.byTest('ndv-binary-data_0')).first();
		const text = (await card.innerText({ timeout: 15e3 })).replace(/\s+/g, ' ');
		check(/audio\/wav/.test(text), 'the Binary tab shows a WAV', text.slice(0, 120));
		check(
			text.includes(`File Name: ${OUTPUT_NAME}`),
			`the WAV is named after the input (${OUTPUT_NAME})`,
			text.slice(0, 120),
		);
		await U.shoot(page, 'editor-isolate-binary', log);
	},
};

// 2.x marks each "Add Option"/"Add Field" with a test id; 1.x renders a bare select (its label
// is only the input's placeholder) in the collection's .param-options.
const ADD_CONTROLS = [
	U.byTest('collection-parameter-add'),
	'.collection-parameter .param-options .el-select',
];

/** The collections' "Add Option"/"Add Field" controls, by the first selector that finds any. */
async function addControls(ndv) {
	for (const selector of ADD_CONTROLS) {
		const found = ndv.locator(selector);
		if ((await found.count()) > 0) return found;
	}
	return ndv.locator(ADD_CONTROLS[0]);
}

/**
 * The names every "Add Option"/"Add Field" of the node offers (Options and Tuning collections
 * alike, whatever their order); each dropdown is closed after.
 */
async function optionNames(page, ndv) {
	const names = [];
	const adds = await addControls(ndv);
	for (let i = 0; i < (await adds.count()); i++) {
		await adds.nth(i).click();
		const items = page.locator('.el-select-dropdown__item:visible, [role="option"]:visible');
		await items.first().waitFor({ timeout: 10e3 });
		names.push(...(await items.allInnerTexts()).map((t) => t.trim()));
		await page.keyboard.press('Escape');
		await page.waitForTimeout(200);
	}
	return names;
}

const resumeStep = {
	name: 'resume',
	required: false,
	async run({ page, check, log }) {
		const ndv = ndvOf(page);
		const pollOptions = await optionNames(page, ndv);
		check(
			pollOptions.includes('Webhook URL') && pollOptions.some((o) => o.startsWith('Poll Interval')),
			'Poll offers the Webhook URL and Poll Interval options',
			JSON.stringify(pollOptions),
		);
		await U.selectOption(page, ndv, 'waitMode', 'Resume on Webhook');
		const options = await optionNames(page, ndv);
		check(
			options.length > 0 && !options.some((o) => o.startsWith('Poll Interval')),
			'Resume on Webhook does not offer Poll Interval',
			JSON.stringify(options),
		);
		check(
			options.length > 0 && !options.includes('Webhook URL'),
			'Resume on Webhook does not offer the Webhook URL option',
			JSON.stringify(options),
		);
		await ndv.locator(U.byTest('parameter-input-waitMode')).first().scrollIntoViewIfNeeded();
		await U.shoot(page, 'editor-resume-on-webhook', log);
		await U.selectOption(page, ndv, 'waitMode', 'Poll');
	},
};

module.exports = { isolateStep, resumeStep, executeStep, ndvOf };
