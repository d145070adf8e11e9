import { sleep as n8nSleep } from 'n8n-workflow';

import { DEFAULTS } from '../helpers/limits';
import { PausedPastDeadlineError, QueuedPastDeadlineError } from './limiterErrors';
import {
	deriveRules,
	type RateLimits,
	type Rules,
	stricterLimits,
	stricterRules,
} from './rateRules';
export { PausedPastDeadlineError, QueuedPastDeadlineError };

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
export type { RateLimits };

export const FREEPIK_RATE_LIMITS: RateLimits = {
	burstPerSecond: DEFAULTS.burstRequestsPerSecond,
	burstSeconds: 5,
	averagePerSecond: DEFAULTS.averageRequestsPerSecond,
	averageWindowSeconds: 120,
};

interface Waiter {
	deadline: number;
	/** Gave up (refused or cancelled): when its turn comes it takes no slot. */
	dropped: boolean;
	refuse: (error: PausedPastDeadlineError | QueuedPastDeadlineError) => void;
	signal?: AbortSignal;
}

const MIN_ADAPTIVE_RATE = 0.5;
/**
 * Requests/s won back per second of successes. Small, so that several executions sharing one
 * account (queue-mode workers) creep back up to the limit instead of overshooting it together.
 */
const ADDITIVE_INCREASE = 0.25;

export class RateLimiter {
	private readonly sent: number[] = [];
	private rules: Rules;
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
	get maxPauseMs(): number {
		return this.rules.windowMs;
	}
	rateLimitedResponses = 0;
	private currentLimits: RateLimits;

	constructor(
		limits: RateLimits = FREEPIK_RATE_LIMITS,
		private readonly now: () => number = Date.now,
		private readonly sleep: (ms: number) => Promise<void> = n8nSleep,
	) {
		this.currentLimits = limits;
		this.rules = deriveRules(limits);
		this.bucket = this.rules.bucketCapacity;
		this.bucketUpdatedAt = this.now();
		this.lastUsedAt = this.bucketUpdatedAt;
	}

	/** The limits in force: the stricter value of each one this limiter was asked with. */
	get limits(): RateLimits {
		return this.currentLimits;
	}

	/** From now on, the stricter value of each rule of `limits` and those in force. */
	tighten(limits: RateLimits): void {
		this.refill(this.now());
		this.currentLimits = stricterLimits(this.currentLimits, limits);
		this.rules = stricterRules(this.rules, deriveRules(this.currentLimits));
		this.bucket = Math.min(this.bucket, this.rules.bucketCapacity);
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
		return (
			!this.waiters.size && t >= this.pausedUntil && t - this.lastUsedAt >= this.rules.windowMs
		);
	}

	/**
	 * Resolves with the moment the request may be sent (undefined once `signal` aborted); requests
	 * are granted in call order. Throws PausedPastDeadlineError at once, or as soon as a later 429
	 * makes it so, when a pause holds requests past `deadline`; QueuedPastDeadlineError when the
	 * limits or the callers ahead hold it past `deadline`. Nobody sleeps longer than 1 s at a time
	 * (only the caller whose turn it is sleeps), so a waiting caller holds no long timer.
	 */
	async acquire(signal?: AbortSignal, deadline = Infinity): Promise<number | undefined> {
		let refuse: Waiter['refuse'] = () => undefined;
		const refused = new Promise<never>((_, reject) => (refuse = reject));
		const waiter: Waiter = { deadline, dropped: false, refuse, signal };
		this.waiters.add(waiter);
		this.refusePastDeadline(this.delayUntilAllowed());
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

	/**
	 * Refuses every waiter that cannot be granted by its deadline: the current pause ends after it,
	 * or the earliest possible grant (`delay` from now, for whoever is first in line) comes after it.
	 * Both only move later while waiters wait, so a refused waiter could not have been served.
	 */
	private refusePastDeadline(delay: number): void {
		this.refusePausedPast();
		const earliest = this.now() + delay;
		let ahead = 0;
		for (const waiter of this.waiters) {
			if (waiter.dropped || waiter.signal?.aborted) continue;
			if (waiter.deadline < earliest) {
				waiter.dropped = true;
				const { adaptiveRate, currentLimits } = this;
				waiter.refuse(
					new QueuedPastDeadlineError(waiter.deadline, ahead, adaptiveRate, currentLimits),
				);
			} else ahead++;
		}
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
		const { secondMax, minSpacingMs } = this.rules;
		const pace = this.countSince(t - 1000) >= secondMax / 2 ? minSpacingMs : 0;
		this.nextSlot = t + Math.max(pace, 1000 / this.adaptiveRate);
		return 0;
	}

	private async waitForSlot(waiter: Waiter, signal?: AbortSignal): Promise<number | undefined> {
		for (;;) {
			if (signal?.aborted || waiter.dropped) return undefined;
			const delay = this.tryAcquire();
			if (delay <= 0) return this.sent[this.sent.length - 1];
			this.refusePastDeadline(delay);
			if (waiter.dropped) return undefined;
			await this.sleep(Math.max(1, Math.min(delay, 1000, this.nextDeadline() - this.now())));
		}
	}

	/** The earliest deadline of anyone still waiting: the next moment a waiter may be refused. */
	private nextDeadline(): number {
		let next = Infinity;
		for (const waiter of this.waiters) if (!waiter.dropped) next = Math.min(next, waiter.deadline);
		return next;
	}

	private delayUntilAllowed(): number {
		const { secondMax, windowMax, windowMs, refillPerSecond } = this.rules;
		const t = this.now();
		this.prune(t);
		this.refill(t);
		let wait = Math.max(this.pausedUntil - t, this.nextSlot - t, 0);
		const lastSecond = this.countSince(t - 1000);
		if (lastSecond >= secondMax) {
			wait = Math.max(wait, this.sent[this.sent.length - secondMax] + 1000 - t + 1);
		}
		if (this.sent.length >= windowMax) {
			wait = Math.max(wait, this.sent[this.sent.length - windowMax] + windowMs - t + 1);
		}
		if (this.bucket < 1) wait = Math.max(wait, ((1 - this.bucket) / refillPerSecond) * 1000);
		return wait;
	}

	private refill(t: number): void {
		const elapsed = (t - this.bucketUpdatedAt) / 1000;
		const { bucketCapacity, refillPerSecond } = this.rules;
		this.bucket = Math.min(bucketCapacity, this.bucket + elapsed * refillPerSecond);
		this.bucketUpdatedAt = t;
	}

	private prune(t: number): void {
		let drop = 0;
		while (drop < this.sent.length && this.sent[drop] <= t - this.rules.windowMs) drop++;
		if (drop) this.sent.splice(0, drop);
	}

	private countSince(from: number): number {
		let n = 0;
		for (let i = this.sent.length - 1; i >= 0 && this.sent[i] > from; i--) n++;
		return n;
	}
}
