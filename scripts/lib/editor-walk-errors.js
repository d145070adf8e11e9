// @ts-check
'use strict';
// Step "errors": what a person reads in the output panel when the node refuses its input before
// sending (a File URL whose extension contradicts Input Type) and when Freepik reports the task
// FAILED (the simulator's [sim:fail] hint): one clear message each, no sentence said twice.
const U = require('./editor-ui');
const { executeStep, ndvOf } = require('./editor-walk-run');
const { openFreepikNode } = require('./editor-walk-credential');

/** Sentences that appear more than once in `text` (the message repeated by its description). */
function repeated(text) {
	const seen = new Map();
	for (const s of text.split(/(?<=[.!?])\s+|\n+/).map((x) => x.trim()))
		if (s.length > 15) seen.set(s, (seen.get(s) || 0) + 1);
	return [...seen].filter(([, n]) => n > 1).map(([s]) => s);
}

/** Runs the node and resolves the output panel's error text once it matches `re` (a new error). */
async function errorText(page, re) {
	const output = await executeStep(page);
	const box = output.locator(U.byTest('ndv-data-container')).first();
	const text = await U.waitText(box, re, 60e3).catch(() => box.innerText().catch(() => ''));
	return text.replace(/[ \t]+/g, ' ');
}

const errorsStep = {
	name: 'errors',
	required: false,
	async run(ctx) {
		const { page, check, log } = ctx;
		await openFreepikNode(page, ctx.freepikNode);
		const ndv = ndvOf(page);
		await U.fillParameter(ndv, 'url', 'https://example.com/rehearsal/take-3.mp4');
		let text = await errorText(page, /File URL/);
		check(
			/File URL/.test(text),
			'a validation error names the field (File URL)',
			text.slice(0, 200),
		);
		check(
			!repeated(text).length,
			'the validation error says nothing twice',
			repeated(text).join(' | '),
		);
		await U.shoot(page, 'editor-validation-error', log);

		await U.fillParameter(ndv, 'url', 'https://example.com/podcast/episode-42.mp3');
		await U.fillParameter(ndv, 'description', 'A person speaking [sim:fail]');
		text = await errorText(page, /FAILED/);
		check(/FAILED|failed/.test(text), 'a FAILED task reads as failed', text.slice(0, 200));
		const ids = text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) || [];
		check(ids.length > 0, 'the FAILED task names its task id', ids[0] || '');
		check(
			!repeated(text).length,
			'the FAILED task error says nothing twice',
			repeated(text).join(' | '),
		);
		await U.shoot(page, 'editor-failed-task', log);
	},
};

module.exports = { errorsStep, repeated };
