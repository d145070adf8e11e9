import {
	FREEPIK_RATE_LIMITS,
	PausedPastDeadlineError,
	QueuedPastDeadlineError,
	RateLimiter,
} from '../../../../nodes/Freepik/transport/rateLimiter';
import { VirtualClock } from '../engine/virtualClock';
// The simulator's server-side model of Freepik's limits, used here as the referee.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const {
	RateLimiter: ServerModel,
	DEFAULT_RATE_LIMIT,
} = require('../../../../simulator/rate-limit');

/** Drives a client that sends whenever its limiter allows, on a virtual clock, for `seconds`. */
function sendAsFastAsAllowed(seconds: number, limits = FREEPIK_RATE_LIMITS) {
	let now = 0;
	const clock = () => now;
	const client = new RateLimiter(limits, clock);
	const server = new ServerModel({ ...DEFAULT_RATE_LIMIT, ...limits }, clock);
	const sentAt: number[] = [];
	let rejected = 0;
	for (let guard = 0; now < seconds * 1000 && guard < 1_000_000; guard++) {
		const wait = client.tryAcquire();
		if (wait > 0) {
			now += Math.max(1, Math.ceil(wait));
			continue;
		}
		sentAt.push(now);
		if (!server.take().allowed) rejected++;
	}
	const inWindow = (from: number, ms: number) =>
		sentAt.filter((t) => t >= from && t < from + ms).length;
	return { sentAt, rejected, inWindow };
}

describe('RateLimiter (Freepik: 50/s bursts for at most 5 s, 10/s on average over 2 minutes)', () => {
	it('never exceeds any of the three server rules while sending flat out for 3 minutes', () => {
		const { rejected, sentAt } = sendAsFastAsAllowed(180);
		expect(rejected).toBe(0);
		// And it is not needlessly slow: close to the 1200-per-120 s allowance (minus a 10% margin).
		expect(sentAt.filter((t) => t < 120_000).length).toBeGreaterThanOrEqual(1000);
	});

	it("paces sends at the burst rate once half the 1 s window is used, so bursts cannot spill into the server's next window", () => {
		const { sentAt } = sendAsFastAsAllowed(5);
		const gaps = sentAt.slice(25).map((t, i) => t - sentAt[i + 24]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / 45 - 1);
	});

	it('allows a burst well above 10/s at the start (a short batch is not throttled to the average)', () => {
		const { inWindow } = sendAsFastAsAllowed(10);
		expect(inWindow(0, 1000)).toBeGreaterThanOrEqual(40);
		expect(inWindow(0, 1000)).toBeLessThanOrEqual(50);
	});

	it('falls back to the average rate once the burst budget is spent', () => {
		const { inWindow } = sendAsFastAsAllowed(30);
		// Seconds 20-30: bucket long empty, so about the (safety-margined) average of 9-10/s.
		const lateRate = inWindow(20_000, 10_000) / 10;
		expect(lateRate).toBeGreaterThan(8);
		expect(lateRate).toBeLessThanOrEqual(10);
	});

	it('honours configured limits (a plain 10/s account)', () => {
		const limits = { ...FREEPIK_RATE_LIMITS, burstPerSecond: 10, averagePerSecond: 10 };
		const { rejected, inWindow } = sendAsFastAsAllowed(20, limits);
		expect(rejected).toBe(0);
		expect(inWindow(0, 1000)).toBeLessThanOrEqual(10);
	});

	it('after a 429 pauses for Retry-After and halves its rate, then recovers additively', () => {
		let now = 0;
		const limiter = new RateLimiter(FREEPIK_RATE_LIMITS, () => now);
		for (let i = 0; i < 20; i++, now += 25) expect(limiter.tryAcquire()).toBe(0);
		expect(limiter.currentRate).toBe(Infinity);
		const pause = limiter.onRateLimited(3000);
		expect(pause).toBe(3000);
		expect(limiter.tryAcquire()).toBeGreaterThanOrEqual(2999);
		const halved = limiter.currentRate;
		expect(halved).toBe(20 / 5 / 2); // half of what it sent over the last 5 s
		now += 3000;
		expect(limiter.tryAcquire()).toBe(0);
		now += 25;
		// The next request must respect the lowered rate.
		expect(limiter.tryAcquire()).toBeGreaterThanOrEqual(Math.floor(1000 / halved) - 26);
		for (let i = 0; i < 10_000; i++) limiter.onSuccess();
		expect(limiter.currentRate).toBe(Infinity);
		expect(limiter.rateLimitedResponses).toBe(1);
	});

	it('lowers its rate once for a volley of 429s answering one overshoot', () => {
		let now = 0;
		const limiter = new RateLimiter(FREEPIK_RATE_LIMITS, () => now);
		for (let i = 0; i < 100; i++, now += 25) limiter.tryAcquire();
		limiter.onRateLimited(10);
		const once = limiter.currentRate;
		for (let i = 0; i < 10; i++) limiter.onRateLimited(10);
		expect(limiter.currentRate).toBe(once);
		now += 1000;
		limiter.onRateLimited(10);
		expect(limiter.currentRate).toBeLessThan(once);
	});

	it('three executions sharing one account converge under its limit (queue-mode workers)', () => {
		let now = 0;
		const clock = () => now;
		const server = new ServerModel({ ...DEFAULT_RATE_LIMIT }, clock);
		const clients = [0, 1, 2].map(() => new RateLimiter(FREEPIK_RATE_LIMITS, clock));
		const perSecond: Array<{ ok: number; limited: number }> = [];
		for (; now < 300_000; now += 5) {
			for (const client of clients) {
				if (client.tryAcquire() > 0) continue;
				const second = (perSecond[Math.floor(now / 1000)] ??= { ok: 0, limited: 0 });
				if (server.take().allowed) {
					client.onSuccess();
					second.ok++;
				} else {
					client.onRateLimited();
					second.limited++;
				}
			}
		}
		const steady = perSecond.slice(180, 300); // one whole 120 s window, well after the start
		const ok = steady.reduce((n, s) => n + s.ok, 0);
		const limited = steady.reduce((n, s) => n + s.limited, 0);
		// Under the account's 10/s on average, yet using most of it, with few 429s.
		expect(ok / steady.length).toBeLessThanOrEqual(10.01);
		expect(ok / steady.length).toBeGreaterThan(6);
		console.log(
			`converged: ${(ok / steady.length).toFixed(2)} accepted/s, ${((100 * limited) / (ok + limited)).toFixed(1)} % of requests answered 429`,
		);
		expect(limited / (ok + limited)).toBeLessThan(0.05);
	});
});

describe('a long Retry-After (one 429 must not freeze every request to the host)', () => {
	const virtualLimiter = (limits = FREEPIK_RATE_LIMITS) => {
		const clock = new VirtualClock();
		return { clock, limiter: new RateLimiter(limits, clock.now, clock.sleep) };
	};

	it.each([600, 86_400])(
		'Retry-After: %i s pauses everyone for at most the longest window of the limits (120 s)',
		(seconds) => {
			const { limiter } = virtualLimiter();
			expect(limiter.onRateLimited(seconds * 1000)).toBe(120_000);
			expect(limiter.tryAcquire()).toBeLessThanOrEqual(120_000);
			expect(limiter.pausedUntilMs).toBe(120_000);
		},
	);

	it('a caller whose deadline comes before the pause ends fails at once; one with a later deadline is served when it ends', async () => {
		const { clock, limiter } = virtualLimiter();
		limiter.onRateLimited(600_000);
		const refused = await clock
			.run(limiter.acquire(undefined, 30_000))
			.catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(PausedPastDeadlineError);
		expect(refused).toMatchObject({ pausedUntil: 120_000, deadline: 30_000 });
		expect(clock.now()).toBe(0);
		const grantedAt = await clock.run(limiter.acquire(undefined, 300_000));
		expect(grantedAt).toBe(120_000);
	});

	it('a caller already in line is refused as soon as a later 429 pauses past its deadline, and takes no slot', async () => {
		// One request per second: the second caller waits in line behind the first slot.
		const limits = { ...FREEPIK_RATE_LIMITS, burstPerSecond: 1, averagePerSecond: 1 };
		const { clock, limiter } = virtualLimiter(limits);
		expect(limiter.tryAcquire()).toBe(0);
		const inLine = limiter.acquire(undefined, 10_000).catch((error: unknown) => error);
		const patient = limiter.acquire(undefined, 500_000);
		clock.at(100, () => limiter.onRateLimited(60_000));
		const refused = await clock.run(inLine);
		expect(refused).toBeInstanceOf(PausedPastDeadlineError);
		expect(clock.now()).toBe(100);
		// The refused caller's turn is skipped: the patient one gets the first slot after the pause.
		expect(await clock.run(patient)).toBe(60_100);
	});

	it('without a deadline (or a later one) a caller waits out a short Retry-After as before', async () => {
		const { clock, limiter } = virtualLimiter();
		limiter.onRateLimited(2000);
		expect(await clock.run(limiter.acquire())).toBe(2000);
	});
});

describe("a call's deadline bounds its wait in the limiter's queue, not only a 429's pause", () => {
	/** A limiter on a virtual clock that records every sleep it asks for. */
	const recordingLimiter = (limits = FREEPIK_RATE_LIMITS) => {
		const clock = new VirtualClock();
		const sleeps: number[] = [];
		const sleep = async (ms: number) => {
			sleeps.push(ms);
			await clock.sleep(ms);
		};
		return { clock, sleeps, limiter: new RateLimiter(limits, clock.now, sleep) };
	};

	it('after 429s slowed it to 0.5/s, a caller behind 200 others is refused by its 30 s deadline, unsent, and no sleep outlasts 1 s', async () => {
		const { clock, sleeps, limiter } = recordingLimiter();
		limiter.onRateLimited(10);
		clock.at(1000, () => limiter.onRateLimited(10));
		const grants: number[] = [];
		for (let i = 0; i < 200; i++) void limiter.acquire().then((at) => grants.push(at!));
		await clock.run(clock.sleep(1001));
		expect(limiter.currentRate).toBe(0.5);
		const refused = await clock
			.run(limiter.acquire(undefined, clock.now() + 30_000))
			.catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(QueuedPastDeadlineError);
		expect(refused).toMatchObject({ ahead: 200 - grants.length, rate: 0.5 });
		// Refused no later than its deadline (it used to be granted after 400 s).
		expect(clock.now()).toBeLessThanOrEqual(1001 + 30_000);
		expect(grants.length).toBeLessThan(20);
		expect(Math.max(...sleeps)).toBeLessThanOrEqual(1000);
		// It took no slot: the callers ahead go on at the same pace.
		const before = grants.length;
		await clock.run(clock.sleep(10_000));
		expect(grants.length - before).toBeGreaterThanOrEqual(4);
		expect(grants.length - before).toBeLessThanOrEqual(6);
	});

	it('is refused at once, at its turn, when the limits alone delay it past its deadline; the next caller gets the slot', async () => {
		const limits = { ...FREEPIK_RATE_LIMITS, burstPerSecond: 1, averagePerSecond: 1 };
		const { clock, limiter } = recordingLimiter(limits);
		expect(limiter.tryAcquire()).toBe(0);
		const refused = await clock
			.run(limiter.acquire(undefined, 500))
			.catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(QueuedPastDeadlineError);
		expect(refused).toMatchObject({ ahead: 0, rate: Infinity });
		expect(clock.now()).toBe(0);
		const grantedAt = await clock.run(limiter.acquire(undefined, 5000));
		expect(grantedAt).toBeGreaterThanOrEqual(1000);
		expect(grantedAt).toBeLessThan(1200);
	});

	it('a caller whose deadline leaves room is served as before', async () => {
		const limits = { ...FREEPIK_RATE_LIMITS, burstPerSecond: 1, averagePerSecond: 1 };
		const { clock, limiter } = recordingLimiter(limits);
		const granted = [0, 1, 2].map(async () => await limiter.acquire(undefined, 10_000));
		const times = await clock.run(Promise.all(granted));
		expect(times[0]).toBe(0);
		expect(times[2]).toBeLessThanOrEqual(10_000);
	});
});
