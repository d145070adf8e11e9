// @ts-check
'use strict';

/**
 * Freepik documents, per IP address: "bursts up to 50 requests/s over 5 s; on average 10 requests/s
 * over 2 minutes". The simulator (and the client, which implements the same model) reads that as
 * three rules, each evaluated on ACCEPTED requests only (a rejected request consumes nothing):
 *
 * 1. Burst window   - at most B = burstPerSecond requests in any sliding 1 s window.
 * 2. Burst budget   - a token bucket of capacity C = (B - A) * burstSeconds + 1, refilled
 *                     continuously at A = averagePerSecond tokens/s; each request takes one token.
 *                     At a sustained A/s the bucket refills as fast as it drains, so it is never
 *                     limited. At B/s it drains at (B - A)/s, so a burst from a full bucket lasts
 *                     ~burstSeconds (200/40 = 5 s with the defaults) and then falls back to A/s.
 *                     The +1 is the single token a request at the average rate needs, so the model
 *                     still works when B == A.
 * 3. Average window - at most A * averageWindowSeconds (10 * 120 = 1200) requests in any sliding
 *                     averageWindowSeconds window.
 */

/**
 * @typedef {object} RateLimitConfig
 * @property {number} burstPerSecond        rule 1: max requests in any sliding 1 s window
 * @property {number} burstSeconds          rule 2: how long a full-rate burst can last
 * @property {number} averagePerSecond      rule 2 refill rate and rule 3 average
 * @property {number} averageWindowSeconds  rule 3 window
 * @property {boolean} retryAfter           send `Retry-After: <seconds>` with 429 (Freepik documents none)
 */

/** @type {Readonly<RateLimitConfig>} */
const DEFAULT_RATE_LIMIT = Object.freeze({
	burstPerSecond: 50,
	burstSeconds: 5,
	averagePerSecond: 10,
	averageWindowSeconds: 120,
	retryAfter: false,
});

/**
 * @param {boolean | Partial<RateLimitConfig> | null | undefined} option
 * @returns {RateLimitConfig | null} null when rate limiting is off
 */
function normalizeRateLimit(option) {
	if (!option) return null;
	const config = { ...DEFAULT_RATE_LIMIT, ...(option === true ? {} : option) };
	for (const name of /** @type {const} */ ([
		'burstPerSecond',
		'burstSeconds',
		'averagePerSecond',
		'averageWindowSeconds',
	])) {
		if (!(typeof config[name] === 'number' && config[name] > 0))
			throw new TypeError(`rateLimit.${name} must be a positive number`);
	}
	if (config.averagePerSecond > config.burstPerSecond)
		throw new TypeError('rateLimit.averagePerSecond must not exceed burstPerSecond');
	return config;
}

class RateLimiter {
	/**
	 * @param {RateLimitConfig} config
	 * @param {() => number} [now] clock in ms (injectable for tests)
	 */
	constructor(config, now = Date.now) {
		this.config = config;
		this.now = now;
		this.capacity = (config.burstPerSecond - config.averagePerSecond) * config.burstSeconds + 1;
		this.tokens = this.capacity;
		this.refilledAt = now();
		this.averageWindowMs = config.averageWindowSeconds * 1000;
		/** Times of accepted requests, ascending, trimmed to the longest window. */
		/** @type {number[]} */
		this.accepted = [];
	}

	/**
	 * Decides one request and, when it is allowed, counts it.
	 * @returns {{ allowed: true } | { allowed: false, rule: 'burst-window' | 'burst-budget' | 'average-window', retryAfterMs: number }}
	 */
	take() {
		const now = this.now();
		const { burstPerSecond: B, averagePerSecond: A } = this.config;
		this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * A);
		this.refilledAt = now;
		this.trim(now);

		/** @type {{ rule: 'burst-window' | 'burst-budget' | 'average-window', waitMs: number }[]} */
		const violations = [];
		const burstWait = this.waitForWindow(now, 1000, B);
		if (burstWait > 0) violations.push({ rule: 'burst-window', waitMs: burstWait });
		if (this.tokens < 1)
			violations.push({ rule: 'burst-budget', waitMs: ((1 - this.tokens) / A) * 1000 });
		const averageWait = this.waitForWindow(
			now,
			this.averageWindowMs,
			A * this.config.averageWindowSeconds,
		);
		if (averageWait > 0) violations.push({ rule: 'average-window', waitMs: averageWait });

		if (violations.length > 0) {
			const worst = violations.reduce((a, b) => (b.waitMs > a.waitMs ? b : a));
			return { allowed: false, rule: worst.rule, retryAfterMs: Math.ceil(worst.waitMs) };
		}
		this.tokens -= 1;
		this.accepted.push(now);
		return { allowed: true };
	}

	/**
	 * @param {number} now @param {number} windowMs @param {number} limit
	 * @returns {number} ms until the window (now - windowMs, now] holds fewer than `limit` requests; 0 if it already does
	 */
	waitForWindow(now, windowMs, limit) {
		const first = firstAfter(this.accepted, now - windowMs);
		const count = this.accepted.length - first;
		if (count < Math.floor(limit)) return 0;
		// The oldest (count - limit + 1) requests must leave the window.
		const leaving = this.accepted[first + count - Math.floor(limit)];
		return Math.max(1, leaving + windowMs - now);
	}

	/** @param {number} now */
	trim(now) {
		const drop = firstAfter(this.accepted, now - Math.max(1000, this.averageWindowMs));
		if (drop > 1024 || drop === this.accepted.length) this.accepted.splice(0, drop);
	}
}

/**
 * Index of the first element > t in an ascending array (binary search).
 * @param {number[]} sorted @param {number} t
 */
function firstAfter(sorted, t) {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid] > t) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/**
 * One RateLimiter per client IP address (Freepik counts its limits "based on IP address").
 * @param {RateLimitConfig} config
 * @param {() => number} [now]
 */
function createKeyedRateLimiter(config, now = Date.now) {
	/** @type {Map<string, RateLimiter>} */
	const limiters = new Map();
	return {
		config,
		/** @param {string} key */
		take(key) {
			let limiter = limiters.get(key);
			if (!limiter) limiters.set(key, (limiter = new RateLimiter(config, now)));
			return limiter.take();
		},
	};
}

module.exports = { DEFAULT_RATE_LIMIT, normalizeRateLimit, RateLimiter, createKeyedRateLimiter };
