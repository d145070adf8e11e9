// @ts-check
'use strict';
// Step "install": Settings → Community Nodes → Install, the package name typed as a user does;
// n8n fetches it from the registry of lib/editor-registry.js.
const { PKG_NAME } = require('../../harness/n8n-headless');
const U = require('./editor-ui');

const installStep = {
	name: 'install',
	required: true,
	always: true,
	async run({ page, env, check, log }) {
		await U.open(page, env.base, '/settings/community-nodes', U.byTest('settings-community-nodes'));
		await page
			.getByRole('button', { name: /Install/ })
			.first()
			.click();
		const modal = page.locator(U.byTest('communityPackageInstall-modal'));
		await modal.waitFor({ state: 'visible', timeout: 15e3 });
		await modal
			.locator(`input${U.byTest('package-name-input')}, ${U.byTest('package-name-input')} input`)
			.fill(PKG_NAME);
		await modal.locator(U.byTest('user-agreement-checkbox')).click();
		await U.shoot(page, 'editor-install', log);
		await modal.locator(U.byTest('install-community-package-button')).click();
		const card = page.locator(U.byTest('community-package-card'));
		const text = await U.waitText(card, new RegExp(PKG_NAME), 180e3);
		const tunnels = env.registry.proxy.tunnels();
		check(
			/\b2 nodes\b|Freepik/i.test(text) || text.includes(PKG_NAME),
			'Community Nodes lists the installed package',
			text.replace(/\s+/g, ' ').slice(0, 120),
		);
		check(tunnels > 0, 'n8n fetched it from the local registry', `${tunnels} tunnel(s)`);
		// n8n also asks api.n8n.io about the package; the proxy refuses it (loopback only).
		const refused = env.registry.proxy.refused();
		if (refused.length) log(`proxy refused: ${[...new Set(refused)].join('; ')}`);
		await U.dismissToasts(page);
		await U.shoot(page, 'editor-installed', log);
	},
};

module.exports = { installStep };
