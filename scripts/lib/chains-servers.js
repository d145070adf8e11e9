// @ts-check
'use strict';
// The delivery servers of scripts/e2e-chains.js, each on a free 127.0.0.1 port, each a service of
// scripts/lib/e2e-suite.js (log file, tail for error reports, bounded stop):
//  - S3: @20minutes/s3rver (maintained s3rver fork) in its own process on the provisioned Node 24;
//  - SMTP: smtp-server + mailparser in this process, keeping every message it accepts;
//  - SFTP: Debian's OpenSSH sshd as a separate instance (own config, host key and pid file in a
//    temporary folder; the system sshd is not needed), password login for a local user this
//    module creates and removes, SFTP only.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { run, spawnTracked, freePort } = require('../../harness/proc');
const { stopGroup, waitFor, which, tcpProbe } = require('./e2e-suite');

// ---------------------------------------------------------------- small helpers

/** GET a loopback URL as raw bytes. Resolves { status, headers, body: Buffer }. */
function getBytes(url, { timeoutMs = 30e3 } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { timeout: timeoutMs }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
			);
		});
		req.on('timeout', () => req.destroy(new Error(`timeout GET ${url}`)));
		req.on('error', reject);
	});
}

/** Resolves the first stdout line of a child, parsed as JSON. */
function firstJsonLine(child, what, timeoutMs) {
	return new Promise((resolve, reject) => {
		let buf = '';
		const timer = setTimeout(
			() => reject(new Error(`${what} printed nothing within ${timeoutMs} ms`)),
			timeoutMs,
		);
		const onData = (d) => {
			buf += d;
			const nl = buf.indexOf('\n');
			if (nl === -1) return;
			clearTimeout(timer);
			child.stdout.off('data', onData);
			try {
				resolve(JSON.parse(buf.slice(0, nl)));
			} catch (e) {
				reject(new Error(`${what} printed ${buf.slice(0, nl)}: ${e.message}`));
			}
		};
		child.stdout.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${what} exited (code ${code})`));
		});
	});
}

// ---------------------------------------------------------------- S3

/**
 * s3rver on a free loopback port, storing into `dir`, with `bucket` created. Resolves
 * { endpoint, port, bucket, accessKeyId, secretAccessKey, list(), get(key) }.
 */
async function startS3(services, { nodeBin, dir, bucket }) {
	fs.mkdirSync(dir, { recursive: true });
	const svc = services.create('s3');
	const child = spawnTracked(nodeBin, [path.join(__dirname, 'chains-s3rver.js'), dir, bucket], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	svc.attach(child, () => stopGroup(child, 'SIGTERM', 3000));
	const info = await services.guard(firstJsonLine(child, 's3rver', 20e3)).catch((e) => {
		e.service ??= 's3';
		throw e;
	});
	const endpoint = `http://127.0.0.1:${info.port}`;
	return {
		...info,
		endpoint,
		bucket,
		/** Keys and sizes of the bucket, through the S3 API (ListObjects). */
		async list() {
			const res = await getBytes(`${endpoint}/${bucket}?max-keys=1000`);
			if (res.status !== 200) throw new Error(`ListObjects: ${res.status} ${res.body}`);
			const xml = res.body.toString('utf8');
			return [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, c]) => ({
				key: c.match(/<Key>([^<]*)<\/Key>/)[1],
				size: Number(c.match(/<Size>(\d+)<\/Size>/)[1]),
			}));
		},
		/** An object's bytes and content type, through the S3 API (GetObject). */
		async get(key) {
			const res = await getBytes(
				`${endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
			);
			if (res.status !== 200) throw new Error(`GetObject ${key}: ${res.status} ${res.body}`);
			return { body: res.body, contentType: res.headers['content-type'] };
		},
	};
}

// ---------------------------------------------------------------- SMTP

/**
 * An SMTP server on a free loopback port that requires AUTH (PLAIN/LOGIN, without TLS: loopback
 * only) and keeps every accepted message, parsed. Resolves { port, user, password, messages, close() }.
 */
async function startSmtp(services) {
	const { SMTPServer } = require('smtp-server');
	const { simpleParser } = require('mailparser');
	const user = 'chains-mailer';
	const password = crypto.randomBytes(12).toString('hex');
	const messages = [];
	const svc = services.create('smtp');
	const server = new SMTPServer({
		secure: false,
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		authMethods: ['PLAIN', 'LOGIN'],
		size: 50 * 1024 * 1024,
		logger: false,
		banner: 'e2e-chains',
		onAuth(auth, session, callback) {
			svc.feed(`AUTH ${auth.method} ${auth.username}\n`);
			if (auth.username === user && auth.password === password) return callback(null, { user });
			return callback(new Error('Invalid username or password'));
		},
		onData(stream, session, callback) {
			simpleParser(stream)
				.then((mail) => {
					messages.push({
						envelope: {
							from: /** @type {{ address?: string }} */ (session.envelope.mailFrom)?.address,
							to: session.envelope.rcptTo.map((r) => r.address),
						},
						mail,
						at: Date.now(),
					});
					svc.feed(
						`DATA from ${/** @type {{ address?: string }} */ (session.envelope.mailFrom)?.address}: "${mail.subject}" ${mail.attachments.map((a) => `[${a.filename} ${a.contentType} ${a.size} B]`).join(' ')}\n`,
					);
					callback();
				})
				.catch(callback);
		},
	});
	server.on('error', (e) => svc.feed(`error: ${e.message}\n`));
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.server.address());
	svc.stopFn = () =>
		new Promise(
			/** @param {(value?: unknown) => void} resolve */ (resolve) => server.close(resolve),
		);
	svc.child = { pid: process.pid }; // in-process: "running" in reports
	return { port, user, password, messages };
}

// ---------------------------------------------------------------- SFTP (OpenSSH)

const SFTP_USER = 'freepik-chains';

/** Create (or reuse) the local SFTP user with a fresh password and `home` as home folder. */
function ensureSftpUser(home) {
	const exists = spawnSync('id', ['-u', SFTP_USER], { timeout: 10e3 }).status === 0;
	if (!exists) {
		const r = spawnSync(
			'useradd',
			['--no-create-home', '--home-dir', home, '--shell', '/usr/sbin/nologin', SFTP_USER],
			{ timeout: 30e3, encoding: 'utf8' },
		);
		if (r.status !== 0)
			throw new Error(`useradd ${SFTP_USER} failed: ${r.stderr || r.error?.message}`);
	} else {
		spawnSync('usermod', ['--home', home, SFTP_USER], { timeout: 30e3 });
	}
	const password = crypto.randomBytes(12).toString('hex');
	const r = spawnSync('chpasswd', [], {
		input: `${SFTP_USER}:${password}\n`,
		timeout: 30e3,
		encoding: 'utf8',
	});
	if (r.status !== 0) throw new Error(`chpasswd failed: ${r.stderr || r.error?.message}`);
	const id = (flag) =>
		Number(spawnSync('id', [flag, SFTP_USER], { encoding: 'utf8', timeout: 10e3 }).stdout.trim());
	return { user: SFTP_USER, password, uid: id('-u'), gid: id('-g') };
}

function removeSftpUser() {
	spawnSync('userdel', [SFTP_USER], { timeout: 30e3 });
}

/**
 * A separate sshd (SFTP only, password login for one local user) on a free loopback port. Its
 * config, host key and pid file live in `dir`; the user's home `dir/home` holds the upload folder
 * `dir/home/voice`. Resolves { port, user, password, uid, uploadDir, hostKeyFingerprint }.
 */
async function startSftp(services, { dir }) {
	if (process.getuid?.() !== 0)
		throw new Error('the SFTP chain creates a local user and runs sshd: run as root');
	fs.mkdirSync(dir, { recursive: true });
	// The SFTP user must be able to reach its home below the temporary folders.
	const tmp = path.resolve(os.tmpdir());
	for (let p = dir; p.startsWith(`${tmp}${path.sep}`); p = path.dirname(p))
		fs.chmodSync(p, fs.statSync(p).mode | 0o011);

	const home = path.join(dir, 'home');
	const uploadDir = path.join(home, 'voice');
	fs.mkdirSync(uploadDir, { recursive: true });
	const account = ensureSftpUser(home);
	fs.chownSync(home, account.uid, account.gid);
	fs.chownSync(uploadDir, account.uid, account.gid);

	const hostKey = path.join(dir, 'ssh_host_ed25519_key');
	const keygen = await run(
		'ssh-keygen',
		['-q', '-t', 'ed25519', '-N', '', '-C', 'e2e-chains', '-f', hostKey],
		{ timeoutMs: 30e3 },
	);
	if (keygen.code !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr}`);
	fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation folder

	const port = await freePort();
	const config = path.join(dir, 'sshd_config');
	fs.writeFileSync(
		config,
		[
			`Port ${port}`,
			'ListenAddress 127.0.0.1',
			`HostKey ${hostKey}`,
			`PidFile ${path.join(dir, 'sshd.pid')}`,
			'UsePAM no',
			'PasswordAuthentication yes',
			'KbdInteractiveAuthentication no',
			'PubkeyAuthentication no',
			'PermitRootLogin no',
			`AllowUsers ${account.user}`,
			'Subsystem sftp internal-sftp',
			'ForceCommand internal-sftp',
			'AllowTcpForwarding no',
			'X11Forwarding no',
			'PermitTTY no',
			'LogLevel VERBOSE',
			'',
		].join('\n'),
	);
	const sshd = /** @type {string} */ (which('sshd'));
	const check = await run(sshd, ['-t', '-f', config], { timeoutMs: 30e3 });
	if (check.code !== 0) throw new Error(`sshd -t rejected the config: ${check.stderr}`);

	const svc = services.create('sftp');
	// -D: stay in the foreground, -e: log to stderr (the service log).
	const child = spawnTracked(sshd, ['-D', '-e', '-f', config], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	svc.attach(child, () => stopGroup(child, 'SIGTERM', 3000));
	await waitFor(
		`sshd on 127.0.0.1:${port}`,
		async () => /^SSH-2\.0-/.test((await tcpProbe(port)) ?? ''),
		{ timeoutMs: 15e3, intervalMs: 200, services },
	).catch((e) => {
		e.service ??= 'sftp';
		throw e;
	});
	return { port, ...account, uploadDir, removeUser: removeSftpUser };
}

module.exports = {
	getBytes,
	startS3,
	startSmtp,
	startSftp,
	removeSftpUser,
	SFTP_USER,
};
