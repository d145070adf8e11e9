// @ts-check
'use strict';
// Step "credential": from the Freepik node, "Connect to Freepik" opens a new Freepik API
// credential on API Host Freepik with Base URL hidden; API Host Custom shows Base URL, pointed at
// the simulator; Save runs n8n's credential test, which passes.
const U = require('./editor-ui');

async function openFreepikNode(page, name) {
	const node = page.locator(`${U.byTest('canvas-node')}[data-node-name="${name}"]`);
	await node.first().dblclick();
	await page.locator(U.byTest('ndv')).first().waitFor({ state: 'visible', timeout: 30e3 });
}

/** The simulator's answered requests that carried the right key (n8n's credential test). */
async function testedBySimulator(sim) {
	const res = await fetch(`${sim.apiUrl}/__sim/requests`);
	const list = await res.json();
	const requests = Array.isArray(list) ? list : list.requests || [];
	return requests.filter((r) => r.status && r.status < 400).length;
}

const credentialStep = {
	name: 'credential',
	required: true,
	always: true,
	async run(ctx) {
		const { page, env, check, log } = ctx;
		await openFreepikNode(page, ctx.freepikNode);
		// 2.x: a slot with "Connect to Freepik"; 1.x: a "Select Credential" dropdown.
		const slot = page
			.locator(`${U.byTest('node-credentials-slot')}, ${U.byTest('node-credentials-select')}`)
			.first();
		const empty = slot.locator(`${U.byTest('node-credentials-empty-state')} button`);
		if (await empty.count()) await empty.first().click();
		else {
			// Not a fresh instance (a credential exists already): "Create new credential".
			await slot.locator('input').first().click();
			await page
				.getByText(/Create new credential/i)
				.first()
				.click();
		}
		const modal = page.locator(U.byTest('editCredential-modal'));
		await modal.locator(U.byTest('parameter-input-apiKey')).first().waitFor({ timeout: 30e3 });
		const hostInput = modal.locator(`${U.byTest('parameter-input-apiHost')} input`).first();
		const host = await U.waitValue(hostInput, /\S/, 10e3);
		check(host === 'Freepik', 'a new credential starts on API Host Freepik', host);
		check(!(await U.shows(modal, 'baseUrl')), 'Base URL is hidden for Freepik');
		check(!(await U.shows(modal, 'keyHeader')), 'API Key Header is hidden for Freepik');
		await U.shoot(page, 'editor-credential-new', log);
		await U.selectOption(page, modal, 'apiHost', 'Custom');
		check(await U.shows(modal, 'baseUrl'), 'Custom shows Base URL');
		await U.fillParameter(modal, 'apiKey', env.sim.apiKey);
		await U.fillParameter(modal, 'baseUrl', env.sim.apiUrl);
		const before = await testedBySimulator(env.sim);
		await modal.locator(U.byTest('credential-save-button')).click();
		// n8n tests the credential on Save; it closes the dialog by itself once the test passed.
		// A callout on 2.x, a banner on 1.x.
		const result = modal.getByText(/Connection tested successfully|Couldn.t connect/).first();
		const outcome = await Promise.race([
			result.waitFor({ state: 'visible', timeout: 60e3 }).then(() => 'callout'),
			modal.waitFor({ state: 'hidden', timeout: 60e3 }).then(() => 'closed'),
		]);
		const text =
			outcome === 'closed'
				? 'dialog closed after the test'
				: (await result.innerText()).replace(/\s+/g, ' ');
		const tested = (await testedBySimulator(env.sim)) - before;
		check(
			(outcome === 'closed' || /tested successfully/i.test(text)) && tested > 0,
			"n8n's credential test passes",
			`${text.slice(0, 120)}; simulator answered ${tested} authorised request(s)`,
		);
		if (outcome === 'callout') {
			await U.shoot(page, 'editor-credential-tested', log);
			await modal.locator('.el-dialog__headerbtn').first().click();
			await modal.waitFor({ state: 'hidden', timeout: 10e3 });
		}
		const chosen = await U.waitValue(slot.locator('input').first(), /Freepik account/, 10e3);
		check(/Freepik account/.test(chosen), 'the node uses the new credential', chosen.trim());
	},
};

module.exports = { credentialStep, openFreepikNode };
