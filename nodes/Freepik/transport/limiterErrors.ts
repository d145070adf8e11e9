import type { RateLimits } from './rateRules';

/**
 * Thrown by `acquire` when a 429's pause holds requests past the caller's deadline: nothing could
 * be sent before it, so the caller fails now instead of at its deadline (or later).
 */
export class PausedPastDeadlineError extends Error {
	constructor(
		readonly pausedUntil: number,
		readonly deadline: number,
		readonly maxPauseMs: number,
	) {
		super("requests are paused past this request's deadline");
	}
}

/**
 * Thrown by `acquire` when the requests ahead in line (or the limits themselves) hold a caller
 * past its deadline: refused as soon as that is certain (the earliest grant for anyone in line is
 * already later), or when the deadline comes while it still waits.
 */
export class QueuedPastDeadlineError extends Error {
	constructor(
		readonly deadline: number,
		/** Requests that were in line ahead of this one. */
		readonly ahead: number,
		/** Requests/s the adaptive layer allowed (Infinity when no 429 lowered it). */
		readonly rate: number,
		/** The limits in force: the stricter of those every node on this host asked for. */
		readonly limits: RateLimits,
	) {
		super("the rate limiter's queue holds this request past its deadline");
	}
}
