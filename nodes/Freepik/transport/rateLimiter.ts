import { sleep as n8nSleep } from 'n8n-workflow';

import { DEFAULTS } from '../helpers/limits';

/**
 * Freepik's documented limits, per IP address: bursts of up to 50 requests/s lasting at most 5 s,
 * and on average at most 10 requests/s over any 2 minutes. Modelled as
 * three rules that must all hold:
 *  1. at most `burstPerSecond` requests in any sliding 1 s window;
 *  2. a token bucket that every request draws one token from: capacity
 *     (burstPerSecond - averagePerSecond) * burstSeconds, refilled at averagePerSecond, so a
 *     full-speed burst empties it after burstSeconds and sustained average-rate traffic never does;
 *  3. at most averagePerSecond * averageWindowSeconds
 * requests in any sliding averageWindowSeconds window.
 * The project's simulator enforces the same model.
 */
export interface RateLimits {
	burstPerSecond: number;
	burstSeconds: number;
	averagePerSecond: number;
	averageWindowSeconds: number;
}

export const FREEPIK_RATE_LIMITS: RateLimits = {
	burstPerSecond: DEFAULTS.burstRequestsPerSecond,
	burstSeconds: 5,
	averagePerSecond: DEFAULTS.averageRequestsPerSecond,
	averageWindowSeconds: 120,
};

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

interface Waiter {
	deadline: number;
	/** Gave up (refused or cancelled): when its turn comes it takes no slot. */
	dropped: boolean;
	refuse: (error: PausedPastDeadlineError) => void;
}

/** Clock skew and network jitter between us and the server: keep a little under each limit. */
const SAFETY_MARGIN = 0.9;
const MIN_ADAPTIVE_RATE = 0.5;
/**
 * Requests/s won back per second of successes. Small, so that several executions sharing one
 * account (queue-mode workers) creep back up to the limit instead of overshooting it together.
 */
const ADDITIVE_INCREASE = 0.25;

export class RateLimiter {
	private readonly sent: number[] = [];
	private readonly windowMs: number;
	private readonly windowMax: number;
	private readonly secondMax: number;
	private readonly bucketCapacity: number;
	private readonly refillPerSecond: number;
	/**
	 * Requests sent in the same instant reach the server spread over the next few hundred ms, so a
	 * full instant burst can land in the server's next 1 s window too. Once half of the 1 s window
	 * is used, sends are paced at the burst rate, which keeps the server's view of every window
	 * the same as ours while small batches still go out at once.
	 */
	private readonly minSpacingMs: number;
	private bucket: number;
	private bucketUpdatedAt: number;
	/**
	 * Requests per second allowed by the adaptive (AIMD) layer: unlimited until a 429 shows that
	 * someone else (another worker, another workflow) shares the account; then halved on every 429
	 * and raised a little on every success.
	 */
	private adaptiveRate = Infinity;
	private pausedUntil = 0;
	private lastDecreaseAt = -Infinity;
	private nextSlot = 0;
	private queue: Promise<void> = Promise.resolve();
	private readonly waiters = new Set<Waiter>();
	private lastUsedAt: number;
	/**
	 * The longest shared pause a 429 can cause: the longest window of the limits (120 s). After that
	 * long without requests every documented rule has started afresh, so a longer Retry-After
	 * (600 s, a day) is not the account's state as the limits describe it; the call that got it
	 * fails and says when to try again, and nobody else is held longer than this.
	 */
	readonly maxPauseMs: number;
	rateLimitedResponses = 0;

	constructor(
		readonly limits: RateLimits = FREEPIK_RATE_LIMITS,
		private readonly now: () => number = Date.now,
		private readonly sleep: (ms: number) => Promise<void> = n8nSleep,
	) {
		this.maxPauseMs = limits.averageWindowSeconds * 1000;
		this.secondMax = Math.max(1, Math.floor(limits.burstPerSecond * SAFETY_MARGIN));
		this.minSpacingMs = 1000 / this.secondMax;
		this.windowMs = limits.averageWindowSeconds * 1000;
		this.windowMax = Math.max(
			1,
			Math.floor(limits.averagePerSecond * limits.averageWindowSeconds * SAFETY_MARGIN),
		);
		this.refillPerSecond = limits.averagePerSecond * SAFETY_MARGIN;
		this.bucketCapacity = Math.max(
			1,
			(limits.burstPerSecond - limits.averagePerSecond) * limits.burstSeconds * SAFETY_MARGIN,
		);
		this.bucket = this.bucketCapacity;
		this.bucketUpdatedAt = this.now();
		this.lastUsedAt = this.bucketUpdatedAt;
	}

	/** Marks the limiter as in use (the shared registry keeps limiters in use). */
	touch(): void {
		this.lastUsedAt = this.now();
	}

	/**
	 * Nobody waits and nothing happened for the longest window: every rule is back to a fresh
	 * limiter's state, so dropping it loses nothing but the adaptive rate.
	 */
	isIdle(): boolean {
		const t = this.now();
		return this.waiters.size === 0 && t >= this.pausedUntil && t - this.lastUsedAt >= this.windowMs;
	}

	/**
	 * Resolves with the moment the request may be sent (undefined once `signal` aborted); requests
	 * are granted in call order. Throws PausedPastDeadlineError at once, or as soon as a later 429
	 * makes it so, when a pause holds requests past `deadline`.
	 */
	async acquire(signal?: AbortSignal, deadline = Infinity): Promise<number | undefined> {
		let refuse: Waiter['refuse'] = () => undefined;
		const refused = new Promise<never>((_, reject) => (refuse = reject));
		const waiter: Waiter = { deadline, dropped: false, refuse };
		this.waiters.add(waiter);
		this.refusePausedPast();
		const turn = this.queue.then(async () => await this.waitForSlot(waiter, signal));
		this.queue = turn.then(() => undefined).catch(() => undefined);
		try {
			return await Promise.race([turn, refused]);
		} finally {
			waiter.dropped = true;
			this.waiters.delete(waiter);
			this.touch();
		}
	}

	/**
	 * The request granted at `grantedAt` has been answered (or failed). The server counted it when it
	 * arrived, which can be well after the grant when this process is busy: from now on it counts as
	 * sent now, so no window of ours forgets it before the server's does.
	 */
	answered(grantedAt: number): void {
		const index = this.sent.lastIndexOf(grantedAt);
		if (index < 0) return;
		this.sent.splice(index, 1);
		this.sent.push(Math.max(grantedAt, this.now()));
	}

	/** Refuses every waiter that the current pause would hold past its deadline. */
	private refusePausedPast(): void {
		if (this.pausedUntil <= this.now()) return;
		for (const waiter of this.waiters) {
			if (waiter.dropped || this.pausedUntil <= waiter.deadline) continue;
			waiter.dropped = true;
			waiter.refuse(
				new PausedPastDeadlineError(this.pausedUntil, waiter.deadline, this.maxPauseMs),
			);
		}
	}

	/** When a 429's pause ends (0 or a past moment when there is none). */
	get pausedUntilMs(): number {
		return this.pausedUntil;
	}

	/**
	 * A 429 came back: pause everyone (Retry-After when given, at most maxPauseMs) and halve the
	 * adaptive rate. Returns the pause.
	 */
	onRateLimited(retryAfterMs?: number): number {
		this.rateLimitedResponses++;
		const t = this.now();
		this.lastUsedAt = t;
		// At most one decrease per second: a volley of 429s answers one overshoot, not several.
		if (t - this.lastDecreaseAt >= 1000) {
			this.adaptiveRate = Math.max(
				MIN_ADAPTIVE_RATE,
				Math.min(this.adaptiveRate, this.recentRate()) / 2,
			);
			this.lastDecreaseAt = t;
		}
		const pause = Math.min(retryAfterMs ?? 1000 + Math.random() * 1000, this.maxPauseMs);
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + pause);
		this.refusePausedPast();
		return pause;
	}

	/** Additive increase: each success wins back a little of the rate lost to 429s. */
	onSuccess(): void {
		this.touch();
		if (this.adaptiveRate === Infinity) return;
		this.adaptiveRate += ADDITIVE_INCREASE / this.adaptiveRate;
		if (this.adaptiveRate >= this.limits.burstPerSecond) this.adaptiveRate = Infinity;
	}

	/**
	 * What this process really sent on this account over the last 5 s, per second: the rate to halve.
	 */
	private recentRate(): number {
		return this.countSince(this.now() - 5000) / 5;
	}

	get currentRate(): number {
		return this.adaptiveRate;
	}

	/** Takes a slot now and returns 0, or returns how many ms to wait before asking again. */
	tryAcquire(): number {
		const delay = this.delayUntilAllowed();
		if (delay > 0) return delay;
		const t = this.now();
		this.bucket -= 1;
		this.sent.push(t);
		const pace = this.countSince(t - 1000) >= this.secondMax / 2 ? this.minSpacingMs : 0;
		this.nextSlot = t + Math.max(pace, 1000 / this.adaptiveRate);
		return 0;
	}

	private async waitForSlot(waiter: Waiter, signal?: AbortSignal): Promise<number | undefined> {
		for (;;) {
			if (signal?.aborted || waiter.dropped) return undefined;
			const delay = this.tryAcquire();
			if (delay <= 0) return this.sent[this.sent.length - 1];
			await this.sleep(Math.min(delay, 1000));
		}
	}

	private delayUntilAllowed(): number {
		const t = this.now();
		this.prune(t);
		this.refill(t);
		let wait = Math.max(this.pausedUntil - t, this.nextSlot - t, 0);
		const lastSecond = this.countSince(t - 1000);
		if (lastSecond >= this.secondMax) {
			wait = Math.max(wait, this.sent[this.sent.length - this.secondMax] + 1000 - t + 1);
		}
		if (this.sent.length >= this.windowMax) {
			wait = Math.max(wait, this.sent[this.sent.length - this.windowMax] + this.windowMs - t + 1);
		}
		if (this.bucket < 1) wait = Math.max(wait, ((1 - this.bucket) / this.refillPerSecond) * 1000);
		return wait;
	}

	private refill(t: number): void {
		const elapsed = (t - this.bucketUpdatedAt) / 1000;
		this.bucket = Math.min(this.bucketCapacity, this.bucket + elapsed * this.refillPerSecond);
		this.bucketUpdatedAt = t;
	}

	private prune(t: number): void {
		let drop = 0;
		while (drop < this.sent.length && this.sent[drop] <= t - this.windowMs) drop++;
		if (drop) this.sent.splice(0, drop);
	}

	private countSince(from: number): number {
		let n = 0;
		for (let i = this.sent.length - 1; i >= 0 && this.sent[i] > from; i--) n++;
		return n;
	}
}
