// @ts-check
'use strict';

const { sendJson, readBody } = require('./http-util');
const { optionsToJSON } = require('./options');

/**
 * Control API under /__sim/ on the API server (no auth), so tests, demos and benchmarks in another
 * process can inspect and steer the simulator.
 * @param {Record<string, any>} sim - the object returned by createSimulator
 */
function createControlHandler(sim) {
	/**
	 * @param {import('http').IncomingMessage} req
	 * @param {import('http').ServerResponse} res
	 * @param {URL} url
	 */
	return async function handleControl(req, res, url) {
		const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
		try {
			const body = req.method === 'POST' ? await readJson(req) : undefined;
			switch (route) {
				case 'GET /__sim/requests': {
					const q = url.searchParams;
					const list = sim.requests.filter(
						(/** @type {import('./recorder').RecordedRequest} */ r) =>
							(!q.get('route') || r.route === q.get('route')) &&
							(!q.get('server') || r.server === q.get('server')),
					);
					return sendJson(res, 200, list);
				}
				case 'GET /__sim/stats':
					return sendJson(res, 200, sim.stats());
				case 'GET /__sim/tasks':
					return sendJson(
						res,
						200,
						[...sim.tasks.values()].map((task) => ({ ...task, view: sim.taskView(task.id) })),
					);
				case 'GET /__sim/webhooks':
					return sendJson(res, 200, sim.webhookDeliveries);
				case 'GET /__sim/faults':
					return sendJson(res, 200, sim.faults());
				case 'POST /__sim/faults':
					return sendJson(res, 200, { id: sim.addFault(body) });
				case 'DELETE /__sim/faults':
					sim.clearFaults();
					return sendJson(res, 200, { ok: true });
				case 'POST /__sim/reset':
					sim.reset({ options: body?.options === true });
					return sendJson(res, 200, { ok: true });
				case 'GET /__sim/config':
					return sendJson(res, 200, optionsToJSON(sim.options));
				case 'POST /__sim/config':
					sim.configure(body);
					return sendJson(res, 200, optionsToJSON(sim.options));
				case 'POST /__sim/webhook': {
					const { url: target, task, ...opts } = body ?? {};
					if (typeof target !== 'string' || !task || typeof task !== 'object') {
						return sendJson(res, 400, { message: 'url (string) and task (object) are required' });
					}
					return sendJson(res, 200, await sim.sendWebhook(target, task, opts));
				}
				default:
					return sendJson(res, 404, { message: `unknown control route ${route}` });
			}
		} catch (err) {
			return sendJson(res, err instanceof TypeError || err instanceof SyntaxError ? 400 : 500, {
				message: err.message,
			});
		}
	};
}

/** @param {import('http').IncomingMessage} req */
async function readJson(req) {
	const text = (await readBody(req, 10 * 1024 * 1024)).toString('utf8');
	return text.trim() === '' ? {} : JSON.parse(text);
}

module.exports = { createControlHandler };
