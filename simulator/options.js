'use strict';

/**
 * Default options of the simulator and the helpers that merge user options into them.
 * Options are kept in one mutable object so `POST /__sim/config` can change them at run time.
 */

const DEFAULT_OPTIONS = Object.freeze({
	port: 0,
	filePort: 0,
	apiKey: 'sim-test-key',
	/** The one header read for the key: Freepik's by default, 'x-magnific-api-key' to act as api.magnific.com. */
	keyHeader: 'x-freepik-api-key',
	webhookSecret: 'sim-webhook-secret',
	/** @type {number | ((body: object, index: number) => number)} */
	taskDurationMs: 300,
	/** @type {boolean | ((body: object, index: number) => boolean)} */
	failTasks: false,
	/** @type {number | ((body: object, index: number) => number)} */
	resultCount: 1,
	resultBytes: 32 * 1024,
	/** @type {string | null | ((body: object, index: number) => string | null | undefined)} */
	unknownStatus: null,
	urlTtlMs: 60 * 60 * 1000,
	/** @type {boolean | object} */
	rateLimit: false,
	webhookDuplicates: false,
	webhookTimeoutMs: 5000,
	maxBodyBytes: 300 * 1024 * 1024,
	maxRecordedRequests: 20000,
	/** String members of a create body longer than this are recorded in reduced form. */
	recordStringLimit: 64 * 1024,
});

/** Options that cannot be changed once the servers listen. */
const STARTUP_ONLY = new Set(['port', 'filePort']);

/**
 * @param {object} [options]
 * @returns {object} a fresh mutable options object
 */
function resolveOptions(options = {}) {
	const resolved = { ...DEFAULT_OPTIONS };
	mergeOptions(resolved, options, { startup: true });
	return resolved;
}

/**
 * Merges `patch` into `target`, rejecting unknown names so typos in tests fail loudly.
 * @param {object} target
 * @param {object} patch
 * @param {{ startup?: boolean }} [how]
 * @returns {string[]} the names that changed
 */
function mergeOptions(target, patch, how = {}) {
	if (!patch || typeof patch !== 'object') throw new TypeError('options must be an object');
	const changed = [];
	for (const [name, value] of Object.entries(patch)) {
		if (value === undefined) continue;
		if (!(name in DEFAULT_OPTIONS)) throw new TypeError(`unknown simulator option "${name}"`);
		if (STARTUP_ONLY.has(name) && !how.startup) throw new TypeError(`option "${name}" can only be set at start`);
		target[name] = value;
		changed.push(name);
	}
	return changed;
}

/** JSON-safe copy of the options (functions are shown as "[function]"). */
function optionsToJSON(options) {
	/** @type {Record<string, unknown>} */
	const out = {};
	for (const [name, value] of Object.entries(options)) {
		out[name] = typeof value === 'function' ? '[function]' : value;
	}
	return out;
}

module.exports = { DEFAULT_OPTIONS, resolveOptions, mergeOptions, optionsToJSON };
