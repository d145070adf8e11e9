// @ts-check
'use strict';
// HTTP for the contract checks (scripts/lib/contract-checks.js): the API key goes to the base URL
// only and never appears in what is printed; `loopbackOnly` refuses every host but this machine.

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

function assertLoopback(url) {
	const { hostname } = new URL(url);
	if (!LOOPBACK.has(hostname)) throw new Error(`--simulator: refused to reach ${hostname}`);
}

function makeIo({ baseUrl, key, keyHeader, loopbackOnly, pollMs, maxWaitMs }) {
	const redact = (text) => text.split(key).join('***');
	return {
		pollMs,
		maxWaitMs,
		log: (line) => console.log(redact(line)),
		sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
		/** `path` is an API path: it is appended to the base URL (a proxy's /prefix included). */
		async call(path, init = {}) {
			if (!path.startsWith('/')) throw new Error(`not an API path: ${path}`);
			const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
			if (loopbackOnly) assertLoopback(url);
			const headers = { accept: 'application/json' };
			const sentKey = init.key === undefined ? key : init.key;
			if (sentKey !== null) headers[keyHeader] = sentKey;
			if (init.body !== undefined) headers['content-type'] = 'application/json';
			const res = await fetch(url, {
				method: init.method ?? 'GET',
				headers,
				body: init.body === undefined ? undefined : JSON.stringify(init.body),
				redirect: 'manual',
			});
			const text = redact(await res.text());
			let json;
			try {
				json = JSON.parse(text);
			} catch {
				json = { unparsed: text.slice(0, 120) };
			}
			return { status: res.status, json, headers: res.headers };
		},
		async download(url) {
			if (loopbackOnly) assertLoopback(url);
			const res = await fetch(url); // no key: the files live on another host
			return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
		},
	};
}

module.exports = { makeIo, assertLoopback };
