// @ts-check
'use strict';

/**
 * Default options of the simulator and the helpers that merge user options into them.
 * Options are kept in one mutable object so `POST /__sim/config` can change them at run time.
 */

/**
 * A value given as such or computed per task from the recorded create body and the task's index.
 * @template T
 * @typedef {T | ((body: Record<string, unknown>, index: number) => T)} PerTask
 */

/**
 * Every option, as the live options object holds them (createSimulator takes any subset).
 * @typedef {object} SimOptions
 * @property {number} port                 API port; 0 = ephemeral
 * @property {number} filePort             file server port; 0 = ephemeral
 * @property {string} apiKey               the valid key
 * @property {string} keyHeader            the one header read for the key: 'x-freepik-api-key', or 'x-magnific-api-key' to act as api.magnific.com
 * @property {string} webhookSecret        signing secret (UTF-8, or base64 after a `whsec_` prefix)
 * @property {PerTask<number>} taskDurationMs  creation to COMPLETED/FAILED. Hint `[sim:duration=N]`
 * @property {PerTask<boolean>} failTasks  end FAILED. Hint `[sim:fail]`
 * @property {PerTask<number>} resultCount result URLs of a COMPLETED task. Hint `[sim:results=N]`
 * @property {number} resultBytes          size of each result WAV (whole samples, min 44). Hint `[sim:bytes=N]`
 * @property {PerTask<string | null | undefined> | null} unknownStatus  a non-documented status shown forever after ~10 % of the duration. Hint `[sim:status=X]`
 * @property {boolean} listGenerated    list items carry `generated` too (default: only `task_id` and `status`, as the docs' example)
 * @property {import('./list-pages').ListPages | null} listPages  null = the list answers every task at once (as documented); `{ size, next?, meta? }` = in pages of `size`, Laravel style (list-pages.js)
 * @property {boolean} problemErrors    validation 400s as `{ problem: { message, invalid_params } }` (application/problem+json) instead of `{ message, invalid_params }`
 * @property {number} urlTtlMs             lifetime of signed result URLs
 * @property {boolean | Partial<import('./rate-limit').RateLimitConfig>} rateLimit  off, true = Freepik's documented limits, or custom ones
 * @property {(() => number) | null} rateLimitClock  the rate limiter's clock in ms (null = Date.now); tests freeze or step it. Read when rateLimit is set
 * @property {boolean} webhookDuplicates   deliver every webhook twice with the same webhook-id
 * @property {boolean} dropWebhooks        send no scheduled webhook (each is recorded, status null, error "dropped"): callbacks lost for good
 * @property {number} webhookTimeoutMs     timeout of one webhook delivery
 * @property {number} maxBodyBytes         largest accepted request body (larger: 413)
 * @property {number} maxRecordedRequests  cap of `requests` and `webhookDeliveries` (oldest dropped)
 * @property {number} recordStringLimit    string members of a create body longer than this are recorded reduced
 */

/** @typedef {Partial<SimOptions>} SimulatorOptions */

/** @type {Readonly<SimOptions>} */
const DEFAULT_OPTIONS = Object.freeze({
	port: 0,
	filePort: 0,
	apiKey: 'sim-test-key',
	keyHeader: 'x-freepik-api-key',
	webhookSecret: 'sim-webhook-secret',
	taskDurationMs: 300,
	failTasks: false,
	resultCount: 1,
	resultBytes: 32 * 1024,
	unknownStatus: null,
	listPages: null,
	listGenerated: false,
	problemErrors: false,
	urlTtlMs: 60 * 60 * 1000,
	rateLimit: false,
	rateLimitClock: null,
	webhookDuplicates: false,
	dropWebhooks: false,
	webhookTimeoutMs: 5000,
	maxBodyBytes: 300 * 1024 * 1024,
	maxRecordedRequests: 20000,
	recordStringLimit: 64 * 1024,
});

/** Options that cannot be changed once the servers listen. */
const STARTUP_ONLY = new Set(['port', 'filePort']);

/**
 * @param {SimulatorOptions} [options]
 * @returns {SimOptions} a fresh mutable options object
 */
function resolveOptions(options = {}) {
	const resolved = { ...DEFAULT_OPTIONS };
	mergeOptions(resolved, options, { startup: true });
	return resolved;
}

/**
 * Merges `patch` into `target`, rejecting unknown names so typos in tests fail loudly.
 * @param {SimOptions} target
 * @param {SimulatorOptions} patch
 * @param {{ startup?: boolean }} [how]
 * @returns {string[]} the names that changed
 */
function mergeOptions(target, patch, how = {}) {
	if (!patch || typeof patch !== 'object') throw new TypeError('options must be an object');
	const changed = [];
	for (const [name, value] of Object.entries(patch)) {
		if (value === undefined) continue;
		if (!(name in DEFAULT_OPTIONS)) throw new TypeError(`unknown simulator option "${name}"`);
		if (STARTUP_ONLY.has(name) && !how.startup)
			throw new TypeError(`option "${name}" can only be set at start`);
		/** @type {Record<string, unknown>} */ (target)[name] = value;
		changed.push(name);
	}
	return changed;
}

/**
 * JSON-safe copy of the options (functions are shown as "[function]").
 * @param {SimOptions} options
 */
function optionsToJSON(options) {
	/** @type {Record<string, unknown>} */
	const out = {};
	for (const [name, value] of Object.entries(options)) {
		out[name] = typeof value === 'function' ? '[function]' : value;
	}
	return out;
}

module.exports = { resolveOptions, mergeOptions, optionsToJSON };
