/**
 * The waiting engine on a virtual clock against an in-memory Freepik: ordering, the in-flight cap,
 * deadlines, FAILED, cancel, download slots, empty results and adaptive polling. Minutes of
 * waiting run in milliseconds; every figure below is virtual time.
 */
import { WaitingEngine } from '../../../../nodes/Freepik/engine/WaitingEngine';
import type {
	EngineOptions,
	TaskJob,
	TaskOutcome,
} from '../../../../nodes/Freepik/helpers/jobTypes';
import { FakeApi, type TaskSpec } from './fakeApi';
import { VirtualClock } from './virtualClock';

const wait = (pollIntervalMs = 5000, maxWaitMs = 600_000, download = true) => ({
	pollIntervalMs,
	maxWaitMs,
	...(download ? { downloadTo: 'data' } : {}),
});
const createAndWait = (specs: TaskSpec[], settings = wait()): Array<TaskJob<TaskSpec>> =>
	specs.map((body, itemIndex) => ({ kind: 'createAndWait', itemIndex, body, wait: settings }));

function setUp(options: Partial<EngineOptions> = {}) {
	const clock = new VirtualClock();
	const api = new FakeApi(clock);
	const logs: Array<{ level: string; message: string }> = [];
	const run = async (jobs: Array<TaskJob<TaskSpec>>, extra: Partial<EngineOptions> = {}) => {
		const engine = new WaitingEngine(api, jobs, {
			maxInFlight: 25,
			downloadConcurrency: 4,
			stopOnFirstError: false,
			clock,
			log: {
				info: (message) => logs.push({ level: 'info', message }),
				warn: (message) => logs.push({ level: 'warn', message }),
			},
			...options,
			...extra,
		});
		return await clock.run(engine.run());
	};
	return { clock, api, logs, run };
}

const failureOf = (outcome: TaskOutcome) => (outcome.ok ? undefined : outcome.failure.kind);

describe('WaitingEngine', () => {
	it('returns outcomes in input order, each task created once, though they finish in another order', async () => {
		const { api, run } = setUp();
		const durations = [26_000, 4000, 18_000, 2000, 12_000, 9000];
		const outcomes = await run(createAndWait(durations.map((durationMs) => ({ durationMs }))));
		expect(outcomes.map((o) => o.itemIndex)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(outcomes.every((o) => o.ok && o.binary?.data)).toBe(true);
		expect(api.calls.filter((c) => c.op === 'create').map((c) => c.itemIndex)).toEqual([
			0, 1, 2, 3, 4, 5,
		]);
		outcomes.forEach((o, i) =>
			expect(api.tasks.get(o.task!.task_id)!.spec.durationMs).toBe(durations[i]),
		);
	});

	it('keeps at most maxInFlight tasks open; a finished task frees its place for the next', async () => {
		const { api, clock, run } = setUp({ maxInFlight: 2 });
		let open = 0;
		let peak = 0;
		const create = api.create.bind(api);
		api.create = async (spec, i) => {
			peak = Math.max(peak, ++open);
			return await create(spec, i);
		};
		const outcomes = await run(createAndWait(new Array(6).fill({ durationMs: 3000 })), {
			log: { info: () => undefined, warn: () => undefined },
		}).then((all) => all);
		// Each outcome closes a place (counted when the next create starts).
		expect(outcomes.every((o) => o.ok)).toBe(true);
		const creates = api.calls.filter((c) => c.op === 'create');
		for (let k = 2; k < creates.length; k++) {
			const finishedBefore = outcomes.filter(
				(o) => api.callsFor(o.task!.task_id, 'download')[0]?.at <= creates[k].at,
			).length;
			expect(finishedBefore).toBeGreaterThanOrEqual(k - 1);
		}
		expect(peak).toBeGreaterThanOrEqual(2);
		expect(clock.now()).toBeGreaterThan(3 * 3000);
	});

	it('stops at Max Wait Time with a timeout naming the task, polling no more than the schedule allows', async () => {
		const { api, clock, run } = setUp();
		const [outcome] = await run(
			createAndWait([{ durationMs: 0, fate: 'never' }], wait(5000, 60_000)),
		);
		expect(failureOf(outcome)).toBe('timeout');
		expect(outcome.task?.task_id).toBe('task-0');
		expect(clock.now()).toBeGreaterThanOrEqual(60_000);
		expect(clock.now()).toBeLessThan(61_000);
		expect(api.callsFor('task-0').length).toBeLessThanOrEqual(2 + 60_000 / 5000 + 3);
	});

	it('reports FAILED with its task; with Continue On Fail the others finish', async () => {
		const { run } = setUp();
		const outcomes = await run(
			createAndWait([
				{ durationMs: 1000 },
				{ durationMs: 1000, fate: 'FAILED' },
				{ durationMs: 3000 },
			]),
		);
		expect(outcomes.map(failureOf)).toEqual([undefined, 'failed', undefined]);
		expect(outcomes[1].task?.status).toBe('FAILED');
	});

	it('without Continue On Fail, stops at the first error: no further creates, the rest not finished but named', async () => {
		const { api, run } = setUp({ maxInFlight: 2, stopOnFirstError: true });
		const outcomes = await run(
			createAndWait([
				{ durationMs: 1000, fate: 'FAILED' },
				{ durationMs: 60_000 },
				{ durationMs: 1000 },
			]),
		);
		expect(outcomes.map(failureOf)).toEqual(['failed', 'notFinished', 'notFinished']);
		expect(outcomes[1].task?.task_id).toBe('task-1');
		expect(outcomes[2].task).toBeUndefined();
		expect(api.calls.filter((c) => c.op === 'create')).toHaveLength(2);
	});

	it('a request error ends only its item and keeps the task', async () => {
		const { api, run } = setUp();
		api.failNext.get = new Error('socket hang up');
		const outcomes = await run(createAndWait([{ durationMs: 2000 }]));
		expect(failureOf(outcomes[0])).toBe('error');
		expect(outcomes[0].task?.task_id).toBe('task-0');
	});

	it('a create error has no task and is not repeated by the engine', async () => {
		const { api, run } = setUp();
		api.failNext.create = new Error('HTTP 500');
		const outcomes = await run(createAndWait([{ durationMs: 2000 }]));
		expect(failureOf(outcomes[0])).toBe('error');
		expect(outcomes[0].task).toBeUndefined();
		expect(api.calls.filter((c) => c.op === 'create')).toHaveLength(1);
	});

	it('downloads at most downloadConcurrency results at once', async () => {
		const { api, run } = setUp({ downloadConcurrency: 2 });
		const outcomes = await run(createAndWait(new Array(8).fill({ durationMs: 1000 })));
		expect(outcomes.every((o) => o.ok && o.binary)).toBe(true);
		expect(api.peakDownloads).toBe(2);
		expect(api.calls.filter((c) => c.op === 'download')).toHaveLength(8);
	});

	it('compares statuses case-insensitively', async () => {
		const { run } = setUp();
		const spell = (s: string) => s.toLowerCase();
		const outcomes = await run(
			createAndWait([
				{ durationMs: 1000, spell },
				{ durationMs: 1000, fate: 'FAILED', spell },
			]),
		);
		expect(outcomes.map(failureOf)).toEqual([undefined, 'failed']);
	});

	describe('COMPLETED without result files while downloading', () => {
		it('polls again, one interval apart, and downloads once the files are listed', async () => {
			const { api, run } = setUp();
			const [outcome] = await run(createAndWait([{ durationMs: 1000, emptyPolls: 2 }], wait(2000)));
			expect(outcome.ok && outcome.binary).toBeTruthy();
			const gets = api.callsFor('task-0').map((c) => c.at);
			const afterDone = gets.filter((at) => at >= api.doneAt('task-0'));
			expect(afterDone).toHaveLength(3);
			expect(afterDone[1] - afterDone[0]).toBeGreaterThanOrEqual(2000);
		});

		it('gives up after a few polls with an error naming the task', async () => {
			const { api, run } = setUp();
			const [outcome] = await run(
				createAndWait([{ durationMs: 1000, emptyPolls: 99 }], wait(2000)),
			);
			expect(failureOf(outcome)).toBe('noResultFiles');
			expect(outcome.task?.task_id).toBe('task-0');
			expect(api.callsFor('task-0').filter((c) => c.at >= api.doneAt('task-0'))).toHaveLength(4);
		});

		it('without a download, COMPLETED with no files is a success', async () => {
			const { run } = setUp();
			const [outcome] = await run(
				createAndWait([{ durationMs: 1000, emptyPolls: 99 }], wait(2000, 60_000, false)),
			);
			expect(outcome.ok).toBe(true);
		});
	});

	describe('Get jobs', () => {
		it('get-once returns a running task at once and downloads a COMPLETED one', async () => {
			const { api, run } = setUp();
			const running = api.seed({ durationMs: 60_000 });
			const done = api.seed({ durationMs: 0 }, -1000);
			const outcomes = await run([
				{
					kind: 'getOnce',
					itemIndex: 0,
					taskId: running,
					downloadTo: 'data',
					pollIntervalMs: 5000,
				},
				{ kind: 'getOnce', itemIndex: 1, taskId: done, downloadTo: 'data', pollIntervalMs: 5000 },
			]);
			expect(outcomes[0].ok && outcomes[0].task.status).toBe('IN_PROGRESS');
			expect(outcomes[1].ok && outcomes[1].binary).toBeTruthy();
			expect(api.calls.filter((c) => c.op === 'get')).toHaveLength(2);
		});

		it('get-and-wait polls at once, then on the schedule; an unknown task still names its id', async () => {
			const { api, clock, run } = setUp();
			const taskId = api.seed({ durationMs: 3000 });
			api.failNext.get = undefined;
			const outcomes = await run([
				{ kind: 'getAndWait', itemIndex: 0, taskId, wait: wait() },
				{ kind: 'getAndWait', itemIndex: 1, taskId: 'missing', wait: wait() },
			]);
			expect(api.callsFor(taskId)[0].at).toBe(0);
			expect(outcomes[0].ok).toBe(true);
			expect(failureOf(outcomes[1])).toBe('error');
			expect(outcomes[1].task).toEqual({ task_id: 'missing', status: 'UNKNOWN', generated: [] });
			expect(clock.now()).toBeLessThan(3000 + 2500);
		});

		it('create-only returns right after the create', async () => {
			const { api, run } = setUp();
			const outcomes = await run([
				{ kind: 'createOnly', itemIndex: 0, body: { durationMs: 5000 } },
			]);
			expect(outcomes[0].ok && outcomes[0].task.status).toBe('IN_PROGRESS');
			expect(api.calls.map((c) => c.op)).toEqual(['create']);
		});
	});

	describe('adaptive polling', () => {
		const requestsFor = async (durationMs: number, intervalMs: number) => {
			const { api, run } = setUp();
			await run(createAndWait([{ durationMs }], wait(intervalMs, 600_000, false)));
			const gets = api.callsFor('task-0');
			return { gets: gets.length, latency: gets[gets.length - 1].at - api.doneAt('task-0') };
		};

		it('sees a 1 s task done within 1.5 s of completion with a 5 s Poll Interval', async () => {
			const { latency } = await requestsFor(1000, 5000);
			expect(latency).toBeLessThanOrEqual(1500);
		});

		it.each([1000, 2000, 3000, 4000, 60_000])(
			'a %i ms task costs at most 2 + ⌈duration / interval⌉ + 3 polls',
			async (durationMs) => {
				for (const intervalMs of [1000, 5000]) {
					const { gets } = await requestsFor(durationMs, intervalMs);
					expect(gets).toBeLessThanOrEqual(2 + Math.ceil(durationMs / intervalMs) + 3);
				}
			},
		);

		it('never polls one task more often than its schedule: gaps grow up to the interval', async () => {
			const { api, run } = setUp();
			await run(createAndWait([{ durationMs: 40_000 }], wait(5000, 600_000, false)));
			const at = api.callsFor('task-0').map((c) => c.at);
			const gaps = at.slice(1).map((t, i) => t - at[i]);
			gaps.forEach((gap, i) => {
				expect(gap).toBeLessThanOrEqual(5000 + 100);
				if (i > 0) expect(gap).toBeGreaterThanOrEqual(gaps[i - 1] - 1);
			});
			expect(gaps[gaps.length - 1]).toBeGreaterThanOrEqual(5000);
		});
	});

	describe('cancel', () => {
		it('stops within a second, keeps every task id and logs one warn line per task left running', async () => {
			const abort = new AbortController();
			const { api, clock, logs, run } = setUp({ signal: abort.signal, maxInFlight: 2 });
			clock.at(10_000, () => abort.abort());
			const outcomes = await run(
				createAndWait([{ durationMs: 60_000 }, { durationMs: 60_000 }, { durationMs: 1000 }]),
			);
			expect(clock.now()).toBeLessThan(11_000);
			expect(outcomes.map(failureOf)).toEqual(['cancelled', 'cancelled', 'cancelled']);
			const warns = logs.filter((l) => l.level === 'warn').map((l) => l.message);
			expect(warns).toEqual([
				expect.stringMatching(
					/item 0: task task-0 keeps running on Freepik \(last status IN_PROGRESS\)/,
				),
				expect.stringMatching(
					/item 1: task task-1 keeps running on Freepik \(last status IN_PROGRESS\)/,
				),
				expect.stringMatching(/0 of 3 tasks finished \(0 ok, 0 failed\), 2 running, 1 queued/),
			]);
			expect(api.calls.filter((c) => c.at > 10_000)).toHaveLength(0);
		});

		it('a create on the wire at cancel is logged as possibly created', async () => {
			const abort = new AbortController();
			const { api, clock, logs, run } = setUp({ signal: abort.signal });
			const create = api.create.bind(api);
			api.create = async (spec, i) => {
				await clock.sleep(5000, abort.signal);
				if (abort.signal.aborted) throw new Error('aborted');
				return await create(spec, i);
			};
			clock.at(1000, () => abort.abort());
			const [outcome] = await run(createAndWait([{ durationMs: 1000 }]));
			expect(outcome.ok === false && outcome.createInFlight).toBe(true);
			expect(logs.map((l) => l.message)).toContainEqual(
				expect.stringMatching(/item 0: create was in flight/),
			);
			expect(clock.now()).toBeLessThan(2000);
		});

		it('no download starts after cancel: queued downloads give up their slot', async () => {
			const abort = new AbortController();
			const { api, clock, run } = setUp({ signal: abort.signal, downloadConcurrency: 1 });
			clock.at(1650, () => abort.abort());
			const outcomes = await run(createAndWait(new Array(4).fill({ durationMs: 1000 })));
			expect(api.calls.filter((c) => c.op === 'download' && c.at > 1650)).toHaveLength(0);
			expect(outcomes.filter((o) => !o.ok).length).toBeGreaterThan(0);
			expect(clock.now()).toBeLessThan(2650);
		});
	});

	it('logs progress while a long batch runs', async () => {
		const { logs, run } = setUp({ progressEveryMs: 10_000 });
		await run(createAndWait([{ durationMs: 25_000 }, { durationMs: 1000 }]));
		expect(logs.filter((l) => l.level === 'info').map((l) => l.message)).toContainEqual(
			expect.stringMatching(
				/1 of 2 tasks finished \(1 ok, 0 failed\), 1 running, 0 queued; \d+ s elapsed/,
			),
		);
	});
});
