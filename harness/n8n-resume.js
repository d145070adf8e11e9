'use strict';
/**
 * Resume on Webhook in-process, for runs of harness/n8n-harness.js that end `waiting`: a real HTTP
 * server on 127.0.0.1 receives Freepik's callbacks (signed by the simulator), and deliverCallback()
 * hands one to the waiting node's webhook() inside n8n-core's WebhookContext with the waiting
 * execution's saved data (custom data, input items), as n8n 2.x's /webhook-waiting/ endpoint does.
 * Used by the jest suites (test/helpers/resume.ts) and the benchmark.
 */
const http = require('http');
const { WebhookContext } = require('n8n-core');

/** The parts of Express's response that webhook() code uses; statusCode stays unset until set. */
function fakeResponse() {
	const res = {
		statusCode: undefined,
		body: undefined,
		headersSent: false,
		status(code) {
			res.statusCode = code;
			return res;
		},
		json(body) {
			res.body = body;
			res.headersSent = true;
			return res;
		},
		send(body) {
			res.body = body;
			res.headersSent = true;
			return res;
		},
		end() {
			res.headersSent = true;
			return res;
		},
	};
	return res;
}

/**
 * Receives the simulator's callbacks (answers 204) and keeps them: { url, query, headers, rawBody }.
 * Resolves { base, received, next(match, from), close() }.
 */
async function startCallbackReceiver() {
	/** @type {{ url: string, query: Record<string, string>, headers: import('node:http').IncomingHttpHeaders, rawBody: Buffer }[]} */
	const received = [];
	/** @type {(() => void)[]} */
	const waiters = [];
	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			received.push({
				url: url.toString(),
				query: Object.fromEntries(url.searchParams),
				headers: req.headers,
				rawBody: Buffer.concat(chunks),
			});
			res.writeHead(204).end();
			waiters.splice(0).forEach((wake) => wake());
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	const base = `http://127.0.0.1:${port}`;
	/** The first received callback (from index `from` on) that matches, waiting up to `timeoutMs`. */
	async function next(match, from = 0, timeoutMs = 10_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = received.slice(from).find(match);
			if (found) return found;
			if (Date.now() > deadline) throw new Error(`no matching callback among ${received.length}`);
			await new Promise((resolve) => {
				waiters.push(() => resolve(undefined));
				setTimeout(resolve, 200);
			});
		}
	}
	return {
		base,
		received,
		next,
		close: async () => await new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/**
 * Hands one callback ({ headers, rawBody, query }) to the node of a waiting run (the outcome of
 * runNode(), with its non-enumerable run, workflow and additionalData). Resolves { result,
 * response, items }: items are the output the execution resumes with (empty while it keeps waiting).
 */
async function deliverCallback(waiting, nodeType, callback, nodeName = 'Node') {
	const runExecutionData = JSON.parse(JSON.stringify(waiting.run.data));
	const node = waiting.workflow.getNode(nodeName);
	const request = {
		method: 'POST',
		headers: callback.headers,
		query: callback.query,
		params: {},
		body: JSON.parse(callback.rawBody.toString('utf8') || '{}'),
		rawBody: callback.rawBody,
	};
	const response = fakeResponse();
	const additionalData = {
		...waiting.additionalData,
		httpRequest: request,
		httpResponse: response,
	};
	/** @type {any} the fields WebhookContext reads */
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: '',
		webhookDescription: nodeType.description.webhooks[0],
		workflowId: waiting.workflow.id,
		workflowExecuteAdditionalData: additionalData,
	};
	const context = new WebhookContext(
		waiting.workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		runExecutionData,
	);
	const result = await nodeType.webhook.call(context);
	return { result, response, items: result.workflowData?.[0] ?? [] };
}

module.exports = { fakeResponse, startCallbackReceiver, deliverCallback };
