// @ts-check
'use strict';
// The npm registry of scripts/e2e-editor.js, loopback only: Verdaccio (no uplinks) serving HTTPS
// as registry.npmjs.org with a certificate from a throw-away CA, reached through a CONNECT proxy
// that tunnels registry.npmjs.org:443 to it and refuses every other host.
//
// Why not N8N_COMMUNITY_PACKAGES_REGISTRY: n8n 2.40.7 (CommunityPackagesService.getNpmRegistry)
// throws FeatureNotLicensedError for any registry other than https://registry.npmjs.org without
// an enterprise licence, and passes `--registry=<that>` to every npm command, so NPM_CONFIG_REGISTRY
// is overridden too. A proxy is what an unlicensed instance behind a corporate proxy uses:
// HTTPS_PROXY for n8n (its global proxy agent) and the npm it runs, NODE_EXTRA_CA_CERTS to trust it.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const https = require('node:https');
const { run, spawnTracked, freePort } = require('../../harness/proc');
const { stopGroup, waitFor } = require('./e2e-suite');

const NPM_HOST = 'registry.npmjs.org';
const VERDACCIO = path.resolve(
	__dirname,
	'..',
	'..',
	'node_modules',
	'verdaccio',
	'bin',
	'verdaccio',
);

async function openssl(args, cwd) {
	const r = await run('openssl', args, { cwd, timeoutMs: 30e3 });
	if (r.code !== 0) throw new Error(`openssl ${args[0]} failed:\n${r.stderr}`);
}

/** A CA and a certificate for registry.npmjs.org and 127.0.0.1 signed by it, in `dir`. */
async function makeCertificates(dir) {
	fs.mkdirSync(dir, { recursive: true });
	const san = `subjectAltName=DNS:${NPM_HOST},IP:127.0.0.1`;
	fs.writeFileSync(path.join(dir, 'ext.cnf'), `${san}\n`);
	await openssl(
		[
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-days',
			'2',
			'-subj',
			'/CN=e2e-editor CA',
		].concat(['-keyout', 'ca.key', '-out', 'ca.pem']),
		dir,
	);
	await openssl(
		['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${NPM_HOST}`].concat([
			'-keyout',
			'server.key',
			'-out',
			'server.csr',
		]),
		dir,
	);
	await openssl(
		[
			'x509',
			'-req',
			'-in',
			'server.csr',
			'-CA',
			'ca.pem',
			'-CAkey',
			'ca.key',
			'-CAcreateserial',
		].concat(['-days', '2', '-extfile', 'ext.cnf', '-out', 'server.pem']),
		dir,
	);
	return {
		ca: path.join(dir, 'ca.pem'),
		key: path.join(dir, 'server.key'),
		cert: path.join(dir, 'server.pem'),
	};
}

/** Verdaccio's config: storage in `dir`, no uplinks, anyone may read, a registered user publishes. */
function verdaccioConfig(dir, certs) {
	return [
		`storage: ${path.join(dir, 'storage')}`,
		`plugins: ${path.join(dir, 'plugins')}`,
		'auth:',
		'  htpasswd:',
		`    file: ${path.join(dir, 'htpasswd')}`,
		'    max_users: 10',
		'uplinks: {}',
		'packages:',
		"  '**':",
		'    access: $all',
		'    publish: $authenticated',
		'    unpublish: $authenticated',
		'https:',
		`  key: ${certs.key}`,
		`  cert: ${certs.cert}`,
		'server:',
		'  keepAliveTimeout: 5',
		'log: { type: stdout, format: pretty, level: warn }',
		'web: { enable: false }',
		'security: { api: { legacy: true } }',
		'',
	].join('\n');
}

/** Starts Verdaccio on https://127.0.0.1:<free port> as service "verdaccio". Resolves its URL. */
async function startVerdaccio(dir, certs, services) {
	for (const sub of ['storage', 'plugins']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
	fs.writeFileSync(path.join(dir, 'config.yaml'), verdaccioConfig(dir, certs));
	const port = await freePort();
	const url = `https://127.0.0.1:${port}`;
	const svc = services.create('verdaccio');
	const child = spawnTracked(
		process.execPath,
		[VERDACCIO, '--config', path.join(dir, 'config.yaml'), '--listen', url],
		{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	svc.attach(child, () => stopGroup(child, 'SIGTERM', 5000));
	await waitFor('Verdaccio answers /-/ping', () => get(`${url}/-/ping`, certs.ca).then(ok), {
		timeoutMs: 60e3,
		services,
	});
	return url;
}

const ok = (res) => res.status === 200;

/**
 * @param {string} url
 * @param {any} ca
 * @param {{ method?: string, body?: unknown }} [options]
 */
function get(url, ca, { method = 'GET', body } = {}) {
	return new Promise((resolve) => {
		const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const req = https.request(
			url,
			{
				method,
				ca: fs.readFileSync(ca),
				timeout: 10e3,
				headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {},
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						/* not JSON */
					}
					resolve({ status: res.statusCode, text, json });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => resolve({ status: 0, text: e.message }));
		if (data) req.write(data);
		req.end();
	});
}

/** Registers a publisher on the registry and publishes `tarball` with its token. */
async function publish(registryUrl, ca, tarball) {
	const user = { name: 'e2e-publisher', password: 'e2e-publisher-pass' };
	const res = await get(`${registryUrl}/-/user/org.couchdb.user:${user.name}`, ca, {
		method: 'PUT',
		body: { ...user, email: 'publisher@example.com', type: 'user' },
	});
	if (!res.json?.token)
		throw new Error(`registry: adding a user failed: ${res.status} ${res.text}`);
	const key = `//${registryUrl.replace(/^https:\/\//, '')}/:_authToken`;
	const r = await run(
		'npm',
		['publish', tarball, `--registry=${registryUrl}`, `--${key}=${res.json.token}`],
		{
			env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, npm_config_cafile: ca },
			timeoutMs: 120e3,
		},
	);
	if (r.code !== 0)
		throw new Error(`npm publish failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
	const meta = await get(`${registryUrl}/${encodeURIComponent('n8n-nodes-freepik')}`, ca);
	return meta.json?.['dist-tags']?.latest;
}

/**
 * A CONNECT proxy on 127.0.0.1 that tunnels registry.npmjs.org:443 to Verdaccio and answers 403
 * to any other host (nothing leaves loopback). Resolves { url, tunnels: () => n, close() }.
 */
async function startRegistryProxy(registryUrl) {
	const target = new URL(registryUrl);
	let tunnels = 0;
	const refused = [];
	const sockets = new Set(); // destroyed on close: server.close() waits for open tunnels
	const track = (sock) => {
		sockets.add(sock);
		sock.on('close', () => sockets.delete(sock));
	};
	const server = net.createServer((client) => {
		track(client);
		client.once('data', (head) => {
			const line = head.toString('latin1').split('\r\n')[0];
			const m = /^CONNECT ([^\s:]+):(\d+) HTTP/.exec(line);
			if (!m || m[1] !== NPM_HOST || m[2] !== '443') {
				refused.push(line);
				client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
				return;
			}
			tunnels++;
			const upstream = net.connect(Number(target.port), '127.0.0.1', () => {
				client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
				upstream.pipe(client);
				client.pipe(upstream);
			});
			track(upstream);
			upstream.on('error', () => client.destroy());
			client.on('error', () => upstream.destroy());
		});
		client.on('error', () => {});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	const url = `http://127.0.0.1:${port}`;
	return {
		url,
		tunnels: () => tunnels,
		refused: () => refused.slice(),
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve(undefined));
				for (const sock of sockets) sock.destroy();
			}),
	};
}

/** What n8n (and the npm it runs) needs in its environment to install from this registry. */
function n8nRegistryEnv(proxyUrl, ca) {
	return {
		HTTPS_PROXY: proxyUrl,
		https_proxy: proxyUrl,
		NO_PROXY: '127.0.0.1,localhost',
		no_proxy: '127.0.0.1,localhost',
		NODE_EXTRA_CA_CERTS: ca,
		npm_config_cafile: ca,
		npm_config_cache: path.join(path.dirname(ca), 'npm-cache'),
	};
}

module.exports = {
	NPM_HOST,
	makeCertificates,
	startVerdaccio,
	startRegistryProxy,
	publish,
	n8nRegistryEnv,
};
