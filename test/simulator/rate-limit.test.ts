import { createSimulator, Simulator } from '../../simulator';
import { API_PATH, api, audio } from './helpers';

// rate-limit.js is plain JS without declarations of its own; type what the tests use.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { RateLimiter, createKeyedRateLimiter, normalizeRateLimit } =
	require('../../simulator/rate-limit') as {
		RateLimiter: new (
			config: object,
			now: () => number,
		) => { take(): { allowed: boolean; rule?: string; retryAfterMs?: number } };
		createKeyedRateLimiter: (
			config: object,
			now: () => number,
		) => { take(key: string): { allowed: boolean } };
		normalizeRateLimit: (option: unknown) => Record<string, number | boolean> | null;
	};

/** Drives a limiter with a fake clock: `rate` requests/s from `start` for `seconds`; returns accepted times. */
function drive(
	limiter: { take(): { allowed: boolean } },
	clock: { t: number },
	rate: number,
	seconds: number,
	start = 0,
) {
	const accepted: number[] = [];
	const count = Math.round(rate * seconds);
	for (let i = 0; i < count; i++) {
		clock.t = start + (i * 1000) / rate;
		if (limiter.take().allowed) accepted.push(clock.t);
	}
	return accepted;
}

describe('rate-limit model (fake clock)', () => {
	const defaults = normalizeRateLimit(true)!;

	it('uses the documented defaults', () => {
		expect(defaults).toEqual({
			burstPerSecond: 50,
			burstSeconds: 5,
			averagePerSecond: 10,
			averageWindowSeconds: 120,
			retryAfter: false,
		});
		expect(normalizeRateLimit(false)).toBeNull();
		expect(() => normalizeRateLimit({ averagePerSecond: 60 })).toThrow(TypeError);
	});

	it('rule 1: 60 simultaneous requests -> exactly 50 pass, and the next second opens again', () => {
		const clock = { t: 0 };
		const limiter = new RateLimiter(defaults, () => clock.t);
		const results = Array.from({ length: 60 }, () => limiter.take());
		expect(results.filter((r) => r.allowed)).toHaveLength(50);
		expect(results[50]).toMatchObject({ allowed: false, rule: 'burst-window', retryAfterMs: 1000 });
		clock.t = 1001;
		expect(limiter.take().allowed).toBe(true);
	});

	it('sustained 10/s is never limited (10 minutes)', () => {
		const clock = { t: 0 };
		const limiter = new RateLimiter(defaults, () => clock.t);
		expect(drive(limiter, clock, 10, 600)).toHaveLength(6000);
	});

	it('rule 2: 50/s from a full bucket lasts ~5 s, then falls back to 10/s', () => {
		const clock = { t: 0 };
		const limiter = new RateLimiter(defaults, () => clock.t);
		const accepted = drive(limiter, clock, 50, 20);
		const firstSeconds = accepted.filter((t) => t < 5000).length;
		expect(firstSeconds).toBe(250); // every request of the first 5 s
		const later = accepted.filter((t) => t >= 6000 && t < 16000).length;
		expect(later).toBeGreaterThanOrEqual(99);
		expect(later).toBeLessThanOrEqual(101); // 10/s
	});

	it('rule 3: at most 1200 requests in any 120 s window', () => {
		const clock = { t: 0 };
		// A bucket large enough that only the 120 s window can bind.
		const limiter = new RateLimiter({ ...defaults, burstSeconds: 10_000 }, () => clock.t);
		const accepted = drive(limiter, clock, 40, 130);
		expect(accepted.filter((t) => t < 120_000)).toHaveLength(1200);
		expect(accepted[1199]).toBeLessThan(31_000);
		expect(accepted[1200]).toBeGreaterThanOrEqual(120_000);
		const denied = new RateLimiter({ ...defaults, burstSeconds: 10_000 }, () => clock.t);
		clock.t = 0;
		drive(denied, clock, 40, 31);
		clock.t = 60_000;
		expect(denied.take()).toMatchObject({ allowed: false, rule: 'average-window' });
	});

	it('counts per API key', () => {
		const clock = { t: 0 };
		const keyed = createKeyedRateLimiter(
			{ ...defaults, burstPerSecond: 2, averagePerSecond: 1 },
			() => clock.t,
		);
		expect([keyed.take('a'), keyed.take('a'), keyed.take('a')].map((r) => r.allowed)).toEqual([
			true,
			true,
			false,
		]);
		expect(keyed.take('b').allowed).toBe(true);
	});
});

describe('rate limiting over HTTP', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await createSimulator({ taskDurationMs: 0 });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset({ options: true }));

	it('60 creates within one second -> exactly 50 tasks, 10 x 429 "Too many requests"', async () => {
		// The limiter's clock stands still, so all 60 arrive in the same (virtual) second however slow the machine.
		sim.configure({ rateLimitClock: () => 1_000_000, rateLimit: true });
		const responses = await Promise.all(
			Array.from({ length: 60 }, () =>
				api(sim, API_PATH, {
					method: 'POST',
					body: JSON.stringify({ description: 'x', audio: audio() }),
				}),
			),
		);
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(50);
		expect(statuses.filter((s) => s === 429)).toHaveLength(10);
		const limited = responses.find((r) => r.status === 429)!;
		expect(await limited.json()).toEqual({ message: 'Too many requests' });
		expect(limited.headers.get('retry-after')).toBeNull();
		expect(sim.stats()).toMatchObject({ creates: 50, rateLimited: 10 });
	});

	it('sends Retry-After when configured', async () => {
		sim.configure({
			rateLimitClock: () => 1_000_000,
			rateLimit: { burstPerSecond: 2, averagePerSecond: 1, retryAfter: true },
		});
		const statuses = [];
		let retryAfter = null;
		for (let i = 0; i < 3; i++) {
			const res = await api(sim, API_PATH);
			statuses.push(res.status);
			if (res.status === 429) retryAfter = res.headers.get('retry-after');
		}
		expect(statuses).toEqual([200, 200, 429]);
		expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
	});

	it('sustained 10/s passes even with a tiny burst budget; a burst beyond it is cut to the budget', async () => {
		// Bucket capacity (50 - 10) * 0.1 + 1 = 5 tokens.
		const clock = { t: 1_000_000 };
		sim.configure({
			rateLimitClock: () => clock.t,
			rateLimit: {
				burstPerSecond: 50,
				averagePerSecond: 10,
				burstSeconds: 0.1,
				averageWindowSeconds: 60,
			},
		});
		const sustained: number[] = [];
		for (let i = 0; i < 15; i++) {
			sustained.push((await api(sim, API_PATH)).status);
			clock.t += 100;
		}
		expect(sustained.every((s) => s === 200)).toBe(true);
		clock.t += 150; // the bucket is full again (5 tokens)
		const burst = await Promise.all(Array.from({ length: 20 }, () => api(sim, API_PATH)));
		expect(burst.filter((r) => r.status === 200)).toHaveLength(5);
	});

	it('does not count file downloads or invalid keys', async () => {
		sim.configure({
			rateLimitClock: () => 1_000_000,
			rateLimit: { burstPerSecond: 2, averagePerSecond: 1 },
		});
		for (let i = 0; i < 3; i++)
			await fetch(`${sim.apiUrl}${API_PATH}`, { headers: { 'x-freepik-api-key': 'wrong' } });
		const { status } = await api(sim, API_PATH, {
			method: 'POST',
			body: JSON.stringify({ description: 'x', audio: audio() }),
		});
		expect(status).toBe(200);
		for (let i = 0; i < 3; i++) await fetch(`${sim.fileUrl}/nothing`);
		expect((await api(sim, API_PATH)).status).toBe(200);
		expect((await api(sim, API_PATH)).status).toBe(429);
	});
});
