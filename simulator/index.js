// @ts-check
'use strict';

/**
 * Local simulator of Freepik's AI Audio Isolation API: an API server and a separate "CDN" file
 * server, both on 127.0.0.1. Its types are read from this JSDoc by TypeScript (checkJs), so they
 * cannot drift from the code; see README.md for usage.
 */

/** @typedef {import('./options').SimulatorOptions} SimulatorOptions */
/** @typedef {import('./recorder').RecordedRequest} RecordedRequest */
/** @typedef {import('./faults').FaultSpec} FaultSpec */
/** @typedef {import('./tasks').SimTask} SimTask */
/** @typedef {import('./webhooks').WebhookDelivery} WebhookDelivery */
/** @typedef {import('./webhooks').WebhookSendOptions} WebhookSendOptions */
/** @typedef {import('./rate-limit').RateLimitConfig} RateLimitConfig */
/** @typedef {Awaited<ReturnType<typeof createSimulator>>} Simulator */

const http = require('http');
const { resolveOptions, mergeOptions } = require('./options');
const { createRecorder } = require('./recorder');
const { createFaultRegistry } = require('./faults');
const { createUrlSigner } = require('./url-signing');
const { normalizeRateLimit, createKeyedRateLimiter } = require('./rate-limit');
const { createWebhookDispatcher, signWebhook } = require('./webhooks');
const { taskView } = require('./tasks');
const { createApiHandler } = require('./api-server');
const { createFileHandler } = require('./file-server');
const { createControlHandler } = require('./control');
const { describeWav, wavFileSize } = require('./wav');

const HOST = '127.0.0.1';

/**
 * @param {http.Server} server
 * @param {number} port
 * @returns {Promise<number>} the bound port
 */
function listen(server, port) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, HOST, () => {
			server.off('error', reject);
			resolve(/** @type {import('net').AddressInfo} */ (server.address()).port);
		});
	});
}

/** @param {http.Server} server */
function closeServer(server) {
	return new Promise((resolve) => {
		if (!server.listening) return resolve(undefined);
		server.close(() => resolve(undefined));
		server.closeAllConnections();
	});
}

/**
 * Starts the simulator.
 * @param {SimulatorOptions} [userOptions]
 */
async function createSimulator(userOptions = {}) {
	const initialOptions = { ...userOptions };
	const options = resolveOptions(userOptions);
	normalizeRateLimit(options.rateLimit); // fail fast on a bad rate-limit config

	/** @type {ReturnType<typeof createKeyedRateLimiter> | null} */
	let limiter = null;
	/** @type {unknown} the rateLimit option the current limiter was built from */
	let limiterBuiltFrom;
	let taskIndex = 0;
	const signer = createUrlSigner();

	// Internal state shared by the handlers (api-server.js, file-server.js, control.js).
	const core = {
		options,
		/** @type {Map<string, import('./tasks').SimTask>} */
		tasks: new Map(),
		recorder: createRecorder(options),
		faults: createFaultRegistry(),
		signer,
		/** @type {Set<NodeJS.Timeout>} timers of delay faults, cleared on close */
		timers: new Set(),
		/** How many times `reset()` ran: a request delayed across a reset is dropped. */
		resets: 0,
		/** @type {WebhookDelivery[]} */
		deliveries: [],
		fileUrl: '',
		nextTaskIndex: () => taskIndex++,
		rateLimiter() {
			if (options.rateLimit !== limiterBuiltFrom) {
				limiterBuiltFrom = options.rateLimit;
				const config = normalizeRateLimit(options.rateLimit);
				limiter = config && createKeyedRateLimiter(config, options.rateLimitClock ?? Date.now);
			}
			return limiter;
		},
		/** @param {import('./tasks').SimTask} task @param {string} [statusOverride] */
		view: (task, statusOverride) =>
			taskView(
				task,
				Date.now(),
				{ fileUrl: core.fileUrl, signer, urlTtlMs: options.urlTtlMs },
				statusOverride,
			),
		/** @type {ReturnType<typeof createWebhookDispatcher>} */
		webhooks: /** @type {any} */ (null),
		/** @type {(req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>} */
		handleControl: /** @type {any} */ (null),
	};
	core.webhooks = createWebhookDispatcher({
		options,
		deliveries: core.deliveries,
		view: core.view,
	});

	const serverOptions = { requestTimeout: 10 * 60 * 1000 };
	const apiServer = http.createServer(serverOptions, createApiHandler(core));
	const fileServer = http.createServer(serverOptions, createFileHandler(core));
	// Idle keep-alive connections stay open until the client closes them (or close()): a server
	// that closes them after 5 s races a client reusing one at that moment, and on a loaded machine
	// the client's own idle timer runs late, so a POST would fail with ECONNRESET.
	for (const server of [apiServer, fileServer]) server.keepAliveTimeout = 0;
	let apiUrl = '';
	try {
		apiUrl = `http://${HOST}:${await listen(apiServer, options.port)}`;
		core.fileUrl = `http://${HOST}:${await listen(fileServer, options.filePort)}`;
	} catch (err) {
		await Promise.all([closeServer(apiServer), closeServer(fileServer)]);
		throw err;
	}

	let closed = false;
	const sim = {
		apiUrl,
		fileUrl: core.fileUrl,
		get apiKey() {
			return options.apiKey;
		},
		options,
		requests: core.recorder.requests,
		tasks: core.tasks,
		webhookDeliveries: core.deliveries,

		/** @param {'create' | 'get' | 'list' | 'download' | 'other'} route */
		requestsTo: (route) => core.recorder.requests.filter((r) => r.route === route),
		stats: () => ({
			...core.recorder.stats(),
			webhooks: core.deliveries.length,
			tasks: core.tasks.size,
		}),
		/** @param {string} id */
		taskView(id) {
			const task = core.tasks.get(id);
			return task ? core.view(task) : undefined;
		},
		/**
		 * Arms a fault; returns its id. Throws TypeError on an invalid spec.
		 * @param {FaultSpec} spec
		 */
		addFault: (spec) =>
			core.faults.add(spec, { redirectLocation: `${core.fileUrl}/redirect-target` }),
		/** @param {number} [id] */
		clearFaults: (id) => core.faults.clear(id),
		faults: () => core.faults.list(),
		/**
		 * Merges options at run time (not port/filePort).
		 * @param {SimulatorOptions} patch
		 */
		configure(patch) {
			if (patch && 'rateLimit' in patch) normalizeRateLimit(patch.rateLimit);
			mergeOptions(options, patch);
		},
		/**
		 * @param {string} url
		 * @param {object} task
		 * @param {WebhookSendOptions} [opts]
		 */
		sendWebhook: (url, task, opts) => core.webhooks.send(url, task, opts),
		/** @param {{ options?: boolean }} [how] options: true also restores the options given at start */
		reset(how = {}) {
			core.resets++;
			core.webhooks.clear();
			core.tasks.clear();
			core.recorder.reset();
			core.faults.clear();
			core.deliveries.length = 0;
			taskIndex = 0;
			limiterBuiltFrom = undefined;
			if (how.options) {
				for (const name of Object.keys(options))
					delete (/** @type {Record<string, unknown>} */ (options)[name]);
				Object.assign(options, resolveOptions(initialOptions));
			}
		},
		async close() {
			if (closed) return;
			closed = true;
			core.webhooks.clear();
			for (const timer of core.timers) clearTimeout(timer);
			core.timers.clear();
			await Promise.all([closeServer(apiServer), closeServer(fileServer)]);
		},
	};
	core.handleControl = createControlHandler(sim);
	return sim;
}

module.exports = { createSimulator, signWebhook, describeWav, wavFileSize };
