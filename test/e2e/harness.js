// @ts-check
'use strict';
// Shared setup of the end-to-end suite: one real n8n (headless), this package installed from its
// `npm pack` tarball, the Freepik API simulator, credentials pointing at it, and workflow builders.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const H = require('../../harness/n8n-headless');

// Distinctive values so a leak into n8n's output is easy to spot.
const SIM_KEY = 'e2e-sim-key-5f2a81c3d9e4';
const WEBHOOK_SECRET = 'e2e-webhook-secret';
const BAD_KEY = 'e2e-bad-key-7c1d9f0b2a6e';
const CREDENTIALS = {
	good: { id: 'fpE2eCredGood001', name: 'Freepik (simulator)' },
	bad: { id: 'fpE2eCredBad0001', name: 'Freepik (wrong key)' },
	magnific: { id: 'fpE2eCredMagn001', name: 'Magnific header (simulator)' },
};

async function setup({ line = process.env.N8N_LINE || '2' } = {}) {
	const timings = {};
	let t = Date.now();
	await H.ensureBuilt();
	timings.build = Date.now() - t;

	t = Date.now();
	const runtime = await H.provision({ line });
	timings.provision = Date.now() - t;

	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'freepik-e2e-'));
	const io = path.join(root, 'io'); // the only place Read/Write File may touch
	fs.mkdirSync(io);
	const n8n = new H.N8n({ runtime, userFolder: path.join(root, 'n8n'), fileAccess: [io] });
	let sim;
	let typePrefix;
	const teardown = async () => {
		await n8n.stop();
		if (sim) await sim.stop();
		if (!process.env.E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
		else console.error(`[e2e] kept ${root}`);
	};
	try {
		t = Date.now();
		({ typePrefix } = await H.packAndInstall(n8n.userFolder));
		timings.install = Date.now() - t;

		sim = await H.startSimulator(['--api-key', SIM_KEY, '--webhook-secret', WEBHOOK_SECRET]);
		t = Date.now();
		await n8n.importCredentials([
			{
				...CREDENTIALS.good,
				type: 'freepikApi',
				data: {
					apiKey: SIM_KEY,
					apiHost: 'custom',
					baseUrl: sim.apiUrl,
					webhookSecret: WEBHOOK_SECRET,
				},
			},
			{
				...CREDENTIALS.bad,
				type: 'freepikApi',
				data: { apiKey: BAD_KEY, apiHost: 'custom', baseUrl: sim.apiUrl },
			},
			// The Magnific option's header; its host is unreachable here, so Custom points at the simulator.
			{
				...CREDENTIALS.magnific,
				type: 'freepikApi',
				data: {
					apiKey: SIM_KEY,
					apiHost: 'custom',
					baseUrl: sim.apiUrl,
					keyHeader: 'x-magnific-api-key',
				},
			},
		]);
		timings.importCredentials = Date.now() - t;
	} catch (e) {
		await teardown();
		throw e;
	}

	return { runtime, root, io, n8n, sim, typePrefix, timings, teardown };
}

// ---------------------------------------------------------------- workflow builders

function node(name, type, typeVersion, parameters = {}, extra = {}) {
	return {
		id: crypto.randomUUID(),
		name,
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		...extra,
	};
}

const start = () => node('Start', 'n8n-nodes-base.manualTrigger', 1);
const code = (name, jsCode) => node(name, 'n8n-nodes-base.code', 2, { jsCode });
const readFile = (name, file) =>
	node(name, 'n8n-nodes-base.readWriteFile', 1, {
		operation: 'read',
		fileSelector: file,
		options: { dataPropertyName: 'data' },
	});
const writeFile = (name, file, dataPropertyName = 'data') =>
	node(name, 'n8n-nodes-base.readWriteFile', 1, {
		operation: 'write',
		fileName: file,
		dataPropertyName,
		options: {},
	});

/** A Freepik node (registry type name; `workflow()` applies the installed prefix). */
/**
 * @param {string} name
 * @param {object} parameters
 * @param {{ credential?: string, [setting: string]: unknown }} [options]
 */
function freepik(name, parameters, { credential = 'good', ...extra } = {}) {
	return node(
		name,
		`${H.REGISTRY_PREFIX}freepik`,
		1,
		{ resource: 'audioIsolation', ...parameters },
		{ credentials: { freepikApi: CREDENTIALS[credential] }, ...extra },
	);
}

/**
 * A workflow from nodes and edges [from, to]; without edges the nodes form a chain in the given
 * order. Nodes are laid out left to right so the workflow is readable when opened in the editor.
 */
function workflow(id, name, nodes, edges, typePrefix = H.REGISTRY_PREFIX) {
	edges = edges ?? nodes.slice(1).map((n, i) => [nodes[i].name, n.name]);
	const connections = {};
	for (const [from, to] of edges) {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	}
	const laidOut = nodes.map((n, i) => ({ ...n, position: [i * 220, 0] }));
	return H.withTypePrefix(
		{ id, name, nodes: laidOut, connections, settings: { executionOrder: 'v1' } },
		typePrefix,
	);
}

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

module.exports = {
	setup,
	SIM_KEY,
	BAD_KEY,
	WEBHOOK_SECRET,
	CREDENTIALS,
	node,
	start,
	code,
	readFile,
	writeFile,
	freepik,
	workflow,
	sha256,
};
