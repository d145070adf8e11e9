import { sha256 } from '../helpers/hash';
import { RateLimiter, type RateLimits } from './rateLimiter';

/**
 * One rate limiter per account in this process: every execution and operation that uses the same
 * base URL and API key draws from the same budget (and shares what 429s taught it), instead of each
 * execution bursting at the full account limit.
 *
 * The map key holds a SHA-256 of the API key, never the key. A limiter idle for longer than its
 * longest window holds nothing worth keeping: the registry then lets go of it (it stays reachable
 * through a WeakRef while a running execution still holds it, so sharing survives long polls),
 * and at most MAX_HELD_LIMITERS are kept alive by the registry itself.
 */
export const MAX_HELD_LIMITERS = 64;

interface Entry {
	held?: RateLimiter;
	ref: WeakRef<RateLimiter>;
}

const limiters = new Map<string, Entry>();

function registryKey(baseUrl: string, apiKey: string, limits: RateLimits): string {
	const account = sha256(apiKey);
	const rules = [
		limits.burstPerSecond,
		limits.burstSeconds,
		limits.averagePerSecond,
		limits.averageWindowSeconds,
	];
	return `${baseUrl}\n${account}\n${rules.join(',')}`;
}

/**
 * The limiter shared by all clients of this account and these limits; `now`
 * is used when one is created.
 */
export function sharedLimiter(
	baseUrl: string,
	apiKey: string,
	limits: RateLimits,
	now: () => number = Date.now,
): RateLimiter {
	const key = registryKey(baseUrl, apiKey, limits);
	const limiter = limiters.get(key)?.ref.deref() ?? new RateLimiter(limits, now);
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
