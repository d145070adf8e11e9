/** A host's rate limits, as Freepik publishes them or as a node's Tuning sets them. */
export interface RateLimits {
	burstPerSecond: number;
	burstSeconds: number;
	averagePerSecond: number;
	averageWindowSeconds: number;
}

/** Clock skew and network jitter between us and the server: keep a little under each limit. */
const SAFETY_MARGIN = 0.9;

/** What the limiter enforces, derived from the configured limits (see RateLimits). */
export interface Rules {
	/** Rule 1: requests in any sliding 1 s window. */
	secondMax: number;
	/**
	 * Requests sent in the same instant reach the server spread over the next few hundred ms, so a
	 * full instant burst can land in the server's next 1 s window too. Once half of the 1 s window
	 * is used, sends are paced at the burst rate, which keeps the server's view of every window
	 * the same as ours while small batches still go out at once.
	 */
	minSpacingMs: number;
	/** Rule 2: the burst token bucket. */
	bucketCapacity: number;
	refillPerSecond: number;
	/** Rule 3: requests in any sliding `windowMs` window. */
	windowMs: number;
	windowMax: number;
}

export function deriveRules(limits: RateLimits): Rules {
	const secondMax = Math.max(1, Math.floor(limits.burstPerSecond * SAFETY_MARGIN));
	return {
		secondMax,
		minSpacingMs: 1000 / secondMax,
		bucketCapacity: Math.max(
			1,
			(limits.burstPerSecond - limits.averagePerSecond) * limits.burstSeconds * SAFETY_MARGIN,
		),
		refillPerSecond: limits.averagePerSecond * SAFETY_MARGIN,
		windowMs: limits.averageWindowSeconds * 1000,
		windowMax: Math.max(
			1,
			Math.floor(limits.averagePerSecond * limits.averageWindowSeconds * SAFETY_MARGIN),
		),
	};
}

/** The stricter value of each limit: lower rates and burst length, the longer averaging window. */
export function stricterLimits(a: RateLimits, b: RateLimits): RateLimits {
	return {
		burstPerSecond: Math.min(a.burstPerSecond, b.burstPerSecond),
		burstSeconds: Math.min(a.burstSeconds, b.burstSeconds),
		averagePerSecond: Math.min(a.averagePerSecond, b.averagePerSecond),
		averageWindowSeconds: Math.max(a.averageWindowSeconds, b.averageWindowSeconds),
	};
}

/**
 * The stricter value of each rule. Rules derived from stricter limits can still allow more in one
 * rule (a lower average leaves a bigger burst bucket), so each rule is tightened on its own.
 */
export function stricterRules(a: Rules, b: Rules): Rules {
	return {
		secondMax: Math.min(a.secondMax, b.secondMax),
		minSpacingMs: Math.max(a.minSpacingMs, b.minSpacingMs),
		bucketCapacity: Math.min(a.bucketCapacity, b.bucketCapacity),
		refillPerSecond: Math.min(a.refillPerSecond, b.refillPerSecond),
		windowMs: Math.max(a.windowMs, b.windowMs),
		windowMax: Math.min(a.windowMax, b.windowMax),
	};
}
