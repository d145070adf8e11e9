import {
	clearSharedLimiters,
	MAX_HELD_LIMITERS,
	sharedLimiter,
	sharedLimiterStats,
} from '../../../../nodes/Freepik/transport/limiterRegistry';
import {
	FREEPIK_RATE_LIMITS,
	type RateLimiter,
	type RateLimits,
} from '../../../../nodes/Freepik/transport/rateLimiter';
// The simulator's server-side model of Freepik's limits, used here as the referee.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const {
	RateLimiter: ServerModel,
	DEFAULT_RATE_LIMIT,
} = require('../../../../simulator/rate-limit');

const API = 'https://api.freepik.com';

/** A virtual clock for the limiters (they read time only through it). */
function virtualClock() {
	const clock = { t: 1_000_000, now: () => clock.t };
	return clock;
}

/**
 * Executions that each take their limiter from the registry (as FreepikClient.create does) and
 * send whenever it allows, round-robin, on a virtual clock; the server model judges every request.
 */
function executionsSendingFlatOut(
	limiters: RateLimiter[],
	clock: { t: number },
	seconds: number,
	serverLimits: Partial<RateLimits> = {},
) {
	const server = new ServerModel({ ...DEFAULT_RATE_LIMIT, ...serverLimits }, () => clock.t);
	let rejected = 0;
	let sent = 0;
	const end = clock.t + seconds * 1000;
	for (let guard = 0; clock.t < end && guard < 1_000_000; guard++) {
		let nextWait = Infinity;
		for (const limiter of limiters) {
			const wait = limiter.tryAcquire();
			if (wait > 0) {
				nextWait = Math.min(nextWait, wait);
				continue;
			}
			sent++;
			if (!server.take().allowed) rejected++;
			nextWait = 0;
		}
		if (nextWait > 0) clock.t += Math.max(1, Math.ceil(nextWait));
	}
	return { sent, rejected };
}

beforeEach(() => clearSharedLimiters());

describe('shared rate limiter per API host in one process (Freepik counts limits per IP address)', () => {
	it('gives every execution on the same host the same limiter, so together they stay under the limit', () => {
		const clock = virtualClock();
		const executions = [1, 2, 3].map(() => sharedLimiter(API, FREEPIK_RATE_LIMITS, clock.now));
		expect(new Set(executions).size).toBe(1);
		const { sent, rejected } = executionsSendingFlatOut(executions, clock, 30);
		expect(rejected).toBe(0);
		expect(sent).toBeGreaterThan(300);
	});

	it('the referee catches what separate limiters for one IP budget do (the old per-key behaviour)', () => {
		const clock = virtualClock();
		// Three hosts: three budgets.
		const separate = ['a', 'b', 'c'].map((h) =>
			sharedLimiter(`https://${h}.example.com`, FREEPIK_RATE_LIMITS, clock.now),
		);
		expect(new Set(separate).size).toBe(3);
		// Judged as if they were one budget, they overshoot it.
		expect(executionsSendingFlatOut(separate, clock, 10).rejected).toBeGreaterThan(20);
	});

	it('keeps hosts apart: another host or another port gets its own limiter; a path, letter case or other configured limits do not', () => {
		const base = sharedLimiter(API, FREEPIK_RATE_LIMITS);
		expect(sharedLimiter('https://api.magnific.com', FREEPIK_RATE_LIMITS)).not.toBe(base);
		expect(sharedLimiter('http://127.0.0.1:9999', FREEPIK_RATE_LIMITS)).not.toBe(base);
		expect(sharedLimiter(API, { ...FREEPIK_RATE_LIMITS, averagePerSecond: 5 })).toBe(base);
		expect(sharedLimiter(API, { ...FREEPIK_RATE_LIMITS })).toBe(base);
		expect(sharedLimiter('https://API.freepik.com/proxy/v1', FREEPIK_RATE_LIMITS)).toBe(base);
		expect(sharedLimiter('https://api.freepik.com:443', FREEPIK_RATE_LIMITS)).toBe(base);
	});

	it('nodes with other Average / Burst Requests per Second on one host share one budget: the stricter value of each rule, and one 429 pauses them all', () => {
		const clock = virtualClock();
		const strict = { ...FREEPIK_RATE_LIMITS, burstPerSecond: 20, averagePerSecond: 9 };
		const loose = sharedLimiter(API, FREEPIK_RATE_LIMITS, clock.now);
		const tight = sharedLimiter(API, strict, clock.now);
		expect(tight).toBe(loose);
		expect(loose.limits).toEqual(strict);
		// Asking again with the looser settings does not loosen it while it lives.
		sharedLimiter(API, { ...FREEPIK_RATE_LIMITS, burstPerSecond: 50, averagePerSecond: 10 });
		expect(loose.limits).toEqual(strict);
		// Judged by a server that enforces the stricter settings, both together never overshoot.
		const { sent, rejected } = executionsSendingFlatOut([loose, tight], clock, 30, strict);
		expect(rejected).toBe(0);
		expect(sent).toBeGreaterThan(200);
		// A 429 seen by one node pauses the other.
		clock.t += 120_000;
		loose.onRateLimited(5000);
		expect(tight.tryAcquire()).toBeGreaterThanOrEqual(4999);
	});

	it('a tighter setting asked for later applies at once to the limiter already in use', () => {
		const clock = virtualClock();
		const limiter = sharedLimiter(API, FREEPIK_RATE_LIMITS, clock.now);
		const tenPerSecond = { ...FREEPIK_RATE_LIMITS, burstPerSecond: 10, averagePerSecond: 10 };
		sharedLimiter(API, tenPerSecond, clock.now);
		const { rejected } = executionsSendingFlatOut([limiter], clock, 20, tenPerSecond);
		expect(rejected).toBe(0);
	});

	it('shares what a 429 taught: a later execution starts at the lowered rate', () => {
		const first = sharedLimiter(API, FREEPIK_RATE_LIMITS);
		for (let i = 0; i < 20; i++) first.tryAcquire();
		first.onRateLimited(1000);
		expect(first.currentRate).toBeLessThan(Infinity);
		expect(sharedLimiter(API, FREEPIK_RATE_LIMITS).currentRate).toBe(first.currentRate);
	});

	it('lets go of a limiter idle for its longest window (virtual clock); an execution still holding it keeps sharing it', () => {
		const clock = virtualClock();
		let limiter: RateLimiter | undefined = sharedLimiter(API, FREEPIK_RATE_LIMITS, clock.now);
		limiter.tryAcquire();
		limiter.onRateLimited(500);
		clock.t += FREEPIK_RATE_LIMITS.averageWindowSeconds * 1000 - 1;
		expect(sharedLimiterStats().held).toBe(1);
		clock.t += 2;
		expect(sharedLimiterStats().held).toBe(0);
		// While an execution still holds it, the next one shares it all the same.
		expect(sharedLimiter(API, FREEPIK_RATE_LIMITS, clock.now)).toBe(limiter);
		limiter = undefined;
	});

	it('does not let go of a limiter someone is waiting on', async () => {
		const clock = virtualClock();
		const limiter = sharedLimiter(
			API,
			{ ...FREEPIK_RATE_LIMITS, burstPerSecond: 1, averagePerSecond: 1 },
			clock.now,
		);
		limiter.tryAcquire();
		const controller = new AbortController();
		const waiting = limiter.acquire(controller.signal);
		clock.t += 10 * 60_000;
		expect(limiter.isIdle()).toBe(false);
		controller.abort();
		await waiting;
		clock.t += FREEPIK_RATE_LIMITS.averageWindowSeconds * 1000;
		expect(limiter.isIdle()).toBe(true);
	});

	it(`keeps at most ${MAX_HELD_LIMITERS} limiters alive by itself`, () => {
		for (let i = 0; i < MAX_HELD_LIMITERS + 40; i++)
			sharedLimiter(`https://host-${i}.example.com`, FREEPIK_RATE_LIMITS);
		expect(sharedLimiterStats().held).toBe(MAX_HELD_LIMITERS);
	});
});

describe('executions through n8n-core sharing one host (the simulator allows 50 requests in any second)', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { runFreepik, startSimulator, isolateFromUrl, API_KEY } =
		require('../../../helpers/freepik') as typeof import('../../../helpers/freepik');
	const { createTaskDirectly } =
		require('../../../reliability/support') as typeof import('../../../reliability/support');

	it('two credentials with different keys on one host share one limiter, and the registry keeps neither key nor its hash', async () => {
		const sim = await startSimulator();
		try {
			const otherKey = 'FPSX-another-account-0123456789';
			const runs = [API_KEY, otherKey].map(
				async (apiKey) =>
					await runFreepik(sim, isolateFromUrl({ waitForCompletion: false }), { apiKey }),
			);
			const [valid, refused] = await Promise.all(runs);
			expect(valid.items[0]?.json.task_id).toBeDefined();
			expect(refused.error?.message).toMatch(/API key is missing or invalid/);
			const { keys } = sharedLimiterStats();
			expect(keys).toHaveLength(1);
			expect(keys[0].split('\n')[0]).toBe(new URL(sim.apiUrl).host);
			for (const key of [API_KEY, otherKey]) {
				const hash = require('crypto').createHash('sha256').update(key).digest('hex');
				expect(keys[0]).not.toContain(key.slice(5, 15));
				expect(keys[0]).not.toContain(hash.slice(0, 16));
			}
		} finally {
			await sim.close();
		}
	});

	it('one 429 with Retry-After: 600 fails its create as documented, and holds no later call past its own deadline', async () => {
		const sim = await startSimulator();
		try {
			sim.addFault({
				route: 'create',
				kind: 'status',
				status: 429,
				headers: { 'retry-after': '600' },
			});
			const first = await runFreepik(sim, isolateFromUrl({ waitForCompletion: false }));
			expect(first.error?.message).toMatch(
				/rate limit reached .* while creating the isolation task/,
			);
			expect(first.error?.description).toMatch(/asked to wait 600 s .*try again later/);
			const taskId = await createTaskDirectly(sim);
			// Another workflow, another credential: a Get with Max Wait Time 30 s.
			const get = await runFreepik(
				sim,
				{
					operation: 'get',
					taskId,
					waitForCompletion: true,
					downloadResult: false,
					options: { maxWaitTime: 30 },
				},
				{ apiKey: 'FPSX-another-account-0123456789' },
			);
			expect(get.error?.message).toMatch(
				new RegExp(
					`while getting task ${taskId} \\(not sent: an earlier 429 holds every request to ` +
						`127\\.0\\.0\\.1:\\d+ for another (\\d+) s, past this call's Max Wait Time; ` +
						'try again after \\d\\d:\\d\\d:\\d\\d UTC\\)',
				),
			);
			// What is left of the pause when the Get asked: at most 120 s, however long the machine took
			// to get there (which a loaded machine can stretch past 10 s).
			const left = Number(/for another (\d+) s/.exec(get.error!.message)![1]);
			const limiter = sharedLimiter(sim.apiUrl, FREEPIK_RATE_LIMITS);
			expect(left).toBeLessThanOrEqual(120);
			expect(left * 1000).toBeGreaterThanOrEqual(limiter.pausedUntilMs - Date.now() - 1000);
			// An Isolate whose Request Timeout (30 s) ends before the pause: refused unsent.
			const isolate = await runFreepik(
				sim,
				isolateFromUrl({ waitForCompletion: false, tuning: { requestTimeout: 30 } }),
			);
			expect(isolate.error?.message).toMatch(
				/not sent, so no task was created: .* past this call's Request Timeout/,
			);
			expect(sim.requestsTo('get')).toHaveLength(0);
			expect(sim.requestsTo('create')).toHaveLength(1 + 1); // the 429, and createTaskDirectly
			// The pause is bounded: 120 s from the 429, not 600 s.
			const created = sim.requestsTo('create')[0].at;
			expect(limiter.pausedUntilMs - created).toBeLessThanOrEqual(120_000 + 1000);
		} finally {
			await sim.close();
		}
	});

	it('a batch the limits cannot send within its Request Timeout: each queued create fails unsent on its own item, and no task exists for it', async () => {
		const sim = await startSimulator();
		try {
			// 0.1 requests/s: after the first create the next grant is 11 s away, past the 5 s.
			const slow = {
				averageRequestsPerSecond: 0.1,
				burstRequestsPerSecond: 0.1,
				requestTimeout: 5,
			};
			const items = [0, 1, 2].map((n) => ({ json: { d: `clip ${n}` } }));
			const out = await runFreepik(
				sim,
				isolateFromUrl({ waitForCompletion: false, description: '={{ $json.d }}', tuning: slow }),
				{ items, onError: 'continueErrorOutput' },
			);
			const created = [...sim.tasks.values()];
			expect(created.map((task) => task.body.description)).toEqual(['clip 0']);
			expect(out.items.map((item) => [item.json.task_id, item.pairedItem])).toEqual([
				[created[0].id, { item: 0 }],
			]);
			expect(out.errorItems.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
			for (const { json } of out.errorItems) {
				expect(json.error).toMatch(
					/not sent, so no task was created: the rate limit for 127\.0\.0\.1:\d+ \(0\.1 requests\/s on average, 0\.1\/s in bursts\) holds it (behind \d earlier requests )?past this call's Request Timeout/,
				);
				expect(json.details?.task_id).toBeUndefined();
			}
		} finally {
			await sim.close();
		}
	});

	it('shares one budget: at most 2 answers 429 and every task is created exactly once', async () => {
		const sim = await startSimulator({ rateLimit: true, taskDurationMs: 500 });
		try {
			const items = (run: number) =>
				Array.from({ length: 30 }, (_, n) => ({
					json: { url: `https://example.com/run-${run}/clip-${n}.wav` },
				}));
			const results = await Promise.all(
				[0, 1, 2].map(
					async (run) =>
						await runFreepik(
							sim,
							isolateFromUrl({ url: '={{ $json.url }}', downloadResult: false }),
							{ items: items(run) },
						),
				),
			);
			for (const result of results) {
				expect(result.error?.message).toBeUndefined();
				expect(result.items).toHaveLength(30);
				expect(result.items.every((item) => item.json.status === 'COMPLETED')).toBe(true);
			}
			const stats = sim.stats();
			expect(stats.rateLimited).toBeLessThanOrEqual(2);
			const created = sim
				.requestsTo('create')
				.filter((r) => r.status === 200)
				.map((r) => (r.body as { audio: string }).audio);
			expect(created).toHaveLength(90);
			expect(new Set(created).size).toBe(90);
		} finally {
			await sim.close();
		}
	});
});
