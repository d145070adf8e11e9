// @ts-check
'use strict';
// The world of scripts/e2e-editor.js, loopback only: the Freepik simulator, the npm registry with
// the packed package published to it (lib/editor-registry.js), and a fresh `n8n start` of one line
// with no community package installed, an owner account, and n8n pointed at that registry.
const path = require('node:path');
const H = require('../../harness/n8n-headless');
const { stopGroup } = require('./e2e-suite');
const R = require('./editor-registry');
const { DEV_OWNER: OWNER } = require('./dev-account');

// No fetches of n8n's catalogues of vetted community nodes and MCP servers (as e2e-chains.js).
// n8n 1.x has no mcp-registry module and refuses to start when asked to disable it.
const n8nEnv = (major) => ({
	N8N_VERIFIED_PACKAGES_ENABLED: 'false',
	N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
	...(major >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
});

/**
 * Everything but the browser. `line` '2' or '1'. Resolves { base, owner, sim, registry, runtime }.
 * Every process is a service of `suite`: stopped at the end, on failure too.
 */
async function startEnvironment(suite, line) {
	const { root, services, timed, log } = suite;
	await timed('build', () => H.ensureBuilt());
	const runtime = await timed('provision', () => H.provision({ line }));
	log(`n8n ${runtime.version}`);
	const sim = await H.startSimulator(['--task-duration-ms', '1500']);
	suite.onTeardown(() => sim.stop());
	const registry = await timed('registry', async () => {
		const certs = await R.makeCertificates(path.join(root, 'certs'));
		const url = await R.startVerdaccio(path.join(root, 'verdaccio'), certs, services);
		const { tarball } = await H.pack();
		const version = await R.publish(url, certs.ca, tarball);
		const proxy = await R.startRegistryProxy(url);
		suite.onTeardown(() => proxy.close());
		return { url, version, proxy, certs };
	});
	log(`registry ${registry.url}: n8n-nodes-freepik@${registry.version} published`);
	const n8n = new H.N8n({ runtime, userFolder: path.join(root, 'n8n') });
	const port = await H.freePort();
	const svc = services.create('main');
	await timed('n8n start', () =>
		n8n.start({
			port,
			env: { ...n8nEnv(runtime.major), ...R.n8nRegistryEnv(registry.proxy.url, registry.certs.ca) },
			onOutput: (d) => svc.feed(d),
		}),
	);
	// start() resolved, so n8n.server is set
	const server = () => /** @type {NonNullable<typeof n8n.server>} */ (n8n.server);
	svc.attach(server().child, () => stopGroup(server().child, 'SIGTERM', 10e3), {
		pipe: false,
	});
	await n8n.setupOwner(OWNER);
	return { base: server().baseUrl, owner: OWNER, sim, registry, runtime, n8n };
}

module.exports = { startEnvironment };
