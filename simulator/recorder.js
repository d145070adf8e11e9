// @ts-check
'use strict';

/**
 * Records requests for assertions and keeps counters that survive the cap on recorded entries.
 */

/**
 * @typedef {object} RecordedRequest
 * @property {'api' | 'file'} server
 * @property {string} route      create | get | list | download | other
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {import('http').IncomingHttpHeaders} headers
 * @property {unknown} body      parsed JSON (create), reduced for large members, or null
 * @property {number} bodyBytes
 * @property {object | null} input decoded-input summary of a create (sha256, bytes, ...)
 * @property {string | null} taskId
 * @property {string | null} fault kind of the fault applied, if any
 * @property {number | null} status HTTP status; 0 = connection destroyed without an answer; null = pending
 * @property {boolean} completed  false when the response was cut short
 * @property {number} at         unix ms when the request arrived
 */

const ROUTES = ['create', 'get', 'list', 'download', 'other'];

function emptyCounters() {
	/** @type {Record<string, { requests: number, statuses: Record<string, number> }>} */
	const byRoute = {};
	for (const route of ROUTES) byRoute[route] = { requests: 0, statuses: {} };
	return { creates: 0, rateLimited: 0, faultsApplied: 0, byRoute };
}

/** @param {{ maxRecordedRequests: number }} options */
function createRecorder(options) {
	/** @type {RecordedRequest[]} */
	const requests = [];
	let counters = emptyCounters();

	return {
		requests,
		/**
		 * Records an incoming request and tracks its response status.
		 * @param {'api' | 'file'} server
		 * @param {string} route
		 * @param {import('http').IncomingMessage} req
		 * @param {import('http').ServerResponse} res
		 * @param {URL} url
		 * @param {string | null} taskId
		 */
		start(server, route, req, res, url, taskId) {
			/** @type {RecordedRequest} */
			const entry = {
				server,
				route,
				method: req.method ?? '',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers: { ...req.headers },
				body: null,
				bodyBytes: 0,
				input: null,
				taskId,
				fault: null,
				status: null,
				completed: false,
				at: Date.now(),
			};
			requests.push(entry);
			if (requests.length > options.maxRecordedRequests)
				requests.splice(0, requests.length - options.maxRecordedRequests);
			const routeCounters = counters.byRoute[route];
			routeCounters.requests += 1;
			const finish = (/** @type {number} */ status, /** @type {boolean} */ completed) => {
				if (entry.status !== null) return;
				entry.status = status;
				entry.completed = completed;
				routeCounters.statuses[status] = (routeCounters.statuses[status] ?? 0) + 1;
			};
			res.on('finish', () => finish(res.statusCode, true));
			res.on('close', () => finish(res.headersSent ? res.statusCode : 0, false));
			return entry;
		},
		countCreate() {
			counters.creates += 1;
		},
		countRateLimited() {
			counters.rateLimited += 1;
		},
		countFault() {
			counters.faultsApplied += 1;
		},
		stats() {
			const { byRoute } = counters;
			return {
				creates: counters.creates,
				gets: byRoute.get.requests,
				lists: byRoute.list.requests,
				downloads: byRoute.download.requests,
				rateLimited: counters.rateLimited,
				faultsApplied: counters.faultsApplied,
				byRoute: JSON.parse(JSON.stringify(byRoute)),
			};
		},
		reset() {
			requests.length = 0;
			counters = emptyCounters();
		},
	};
}

module.exports = { createRecorder };
