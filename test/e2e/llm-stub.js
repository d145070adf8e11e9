// @ts-check
'use strict';
// A stand-in for OpenAI's chat-completions API on 127.0.0.1, for driving n8n's AI Agent without a
// network: each POST /v1/chat/completions is answered by `script(body)` (a tool call or a final
// text), GET /v1/models lists one model, and every request is recorded so a test can assert on
// exactly what the model was shown (tool descriptions, argument schemas, tool results).
const http = require('node:http');

/**
 * script(body) returns { toolCall: { name, arguments } } or { content }.
 * Resolves { baseUrl (…/v1), requests, completions(), close() }.
 */
async function startLlmStub(script) {
	const requests = [];
	let calls = 0;
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			let body;
			try {
				body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
			} catch {
				return send(res, 400, { error: { message: 'body is not JSON' } });
			}
			requests.push({ method: req.method, url: req.url, body });
			if (req.method === 'GET' && /** @type {string} */ (req.url).endsWith('/models')) {
				return send(res, 200, {
					object: 'list',
					data: [{ id: 'stub-model', object: 'model', created: 0, owned_by: 'stub' }],
				});
			}
			if (req.method !== 'POST' || !(/** @type {string} */ (req.url).endsWith('/chat/completions')))
				return send(res, 404, { error: { message: 'not found' } });
			let reply;
			try {
				reply = script(body);
			} catch (e) {
				return send(res, 500, { error: { message: `stub script failed: ${e.message}` } });
			}
			const id = ++calls;
			const message = reply.toolCall
				? {
						role: 'assistant',
						content: null,
						tool_calls: [
							{
								id: `call_${id}`,
								type: 'function',
								function: {
									name: reply.toolCall.name,
									arguments: JSON.stringify(reply.toolCall.arguments),
								},
							},
						],
					}
				: { role: 'assistant', content: reply.content };
			const finish = reply.toolCall ? 'tool_calls' : 'stop';
			const base = {
				id: `chatcmpl-stub-${id}`,
				created: Math.floor(Date.now() / 1000),
				model: body.model,
			};
			if (!body.stream) {
				return send(res, 200, {
					...base,
					object: 'chat.completion',
					choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
					usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
				});
			}
			const delta = reply.toolCall
				? {
						...message,
						tool_calls: /** @type {object[]} */ (message.tool_calls).map((t, index) => ({
							index,
							...t,
						})),
					}
				: message;
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			const chunk = (choice) =>
				res.write(
					`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [choice] })}\n\n`,
				);
			chunk({ index: 0, delta, finish_reason: null });
			chunk({ index: 0, delta: {}, finish_reason: finish });
			res.end('data: [DONE]\n\n');
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		/** The chat-completion request bodies, in order. */
		completions: () =>
			requests.filter((r) => r.url.endsWith('/chat/completions')).map((r) => r.body),
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve(undefined));
			}),
	};
}

function send(res, status, json) {
	const data = Buffer.from(JSON.stringify(json));
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length });
	res.end(data);
}

module.exports = { startLlmStub };
