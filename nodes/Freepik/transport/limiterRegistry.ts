import { RateLimiter, type RateLimits } from './rateLimiter';

/**
 * One rate limiter per API host in this process. Freepik counts its rate limits per IP address,
 * not per key (docs.freepik.com, "Rate limits"), so every execution, operation and credential of
 * this n8n that calls the same host draws from the same budget (and shares what 429s taught it).
 * The key is not part of the registry: it is never stored here, not even hashed.
 *
 * A limiter idle for longer than its longest window holds nothing worth keeping: the registry then
 * lets go of it (it stays reachable through a WeakRef while a running execution still holds it, so
 * sharing survives long polls), and at most MAX_HELD_LIMITERS are kept alive by the registry
 * itself.
 */
export const MAX_HELD_LIMITERS = 64;

interface Entry {
	held?: RateLimiter;
	ref: WeakRef<RateLimiter>;
}

const limiters = new Map<string, Entry>();

/** The host (with its port) that the limits apply to: the path of a Base URL does not matter. */
export function apiHostOf(baseUrl: string): string {
	return URL.canParse(baseUrl) ? new URL(baseUrl).host.toLowerCase() : baseUrl;
}

/**
 * The limiter shared by all clients of this API host; `now` is used when one is created. One per
 * host whatever the node's *Average / Burst Requests per Second*: Freepik counts one budget per IP,
 * so a node asking with other limits tightens the shared limiter to the stricter value of each
 * rule (it never loosens while it lives). A raised setting takes effect once the host has been idle
 * for its longest window, when the registry lets the limiter go and the next call makes a new one.
 */
export function sharedLimiter(
	baseUrl: string,
	limits: RateLimits,
	now: () => number = Date.now,
): RateLimiter {
	const key = apiHostOf(baseUrl);
	const existing = limiters.get(key)?.ref.deref();
	const limiter = existing ?? new RateLimiter(limits, now);
	if (existing) limiter.tighten(limits);
	// Re-insert: the map's order is least recently used first.
	limiters.delete(key);
	limiters.set(key, { held: limiter, ref: new WeakRef(limiter) });
	limiter.touch();
	releaseIdle();
	return limiter;
}

function releaseIdle(): void {
	let held = 0;
	for (const entry of limiters.values()) if (entry.held) held++;
	for (const [key, entry] of limiters) {
		if (entry.held && (entry.held.isIdle() || held > MAX_HELD_LIMITERS)) {
			entry.held = undefined;
			held--;
		}
		if (!entry.held && entry.ref.deref() === undefined) limiters.delete(key);
	}
}

/** For tests: the limiters the registry knows (by map key) and how many it keeps alive itself. */
export function sharedLimiterStats(): { keys: string[]; held: number } {
	releaseIdle();
	let held = 0;
	for (const entry of limiters.values()) if (entry.held) held++;
	return { keys: [...limiters.keys()], held };
}

/** For tests: forgets every limiter (like a fresh process). */
export function clearSharedLimiters(): void {
	limiters.clear();
}
