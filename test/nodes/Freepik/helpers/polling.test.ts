import type { Simulator } from '../../../../simulator';
import { runFreepik, startSimulator } from '../../../helpers/freepik';

/** Items whose description carries the simulator hint that sets each task's duration or fate. */
const itemsWith = (hints: string[]) => hints.map((hint, i) => ({ json: { description: `Voice ${i} ${hint}` } }));

const batchParams = (options: Record<string, unknown> = {}) => ({
	operation: 'isolate',
	description: '={{ $json.description }}',
	inputType: 'audio',
	inputSource: 'url',
	url: 'https://example.com/episode.mp3',
	waitForCompletion: true,
	downloadResult: true,
	options: { pollInterval: 1, maxWaitTime: 30, ...options },
});

const descriptionOf = (sim: Simulator, taskId: string) => String(sim.tasks.get(taskId)!.body.description);

describe('waiting engine (a whole batch at once)', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	it('emits outputs in input order with pairedItem, each task submitted exactly once', async () => {
		const durations = [2600, 400, 1800, 200, 1200, 900];
		const { items, error } = await runFreepik(sim, batchParams(), {
			items: itemsWith(durations.map((d) => `[sim:duration=${d}]`)),
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual(durations.map((_, i) => ({ item: i })));
		items.forEach((item, i) => {
			expect(item.json.status).toBe('COMPLETED');
			expect(descriptionOf(sim, item.json.task_id)).toBe(`Voice ${i} [sim:duration=${durations[i]}]`);
			expect(item.binary?.data.fileName).toBe(`${item.json.task_id}.wav`);
		});
		expect(sim.stats().creates).toBe(durations.length);
		expect(sim.requestsTo('create')).toHaveLength(durations.length);
	});

	it('polls each task on its interval and drops it once finished', async () => {
		const durations = [300, 2300];
		const { items } = await runFreepik(sim, batchParams(), {
			items: itemsWith(durations.map((d) => `[sim:duration=${d}]`)),
		});
		items.forEach((item, i) => {
			const gets = sim.requestsTo('get').filter((r) => r.taskId === item.json.task_id);
			// First poll one interval after creation, then every interval until done; none after.
			expect(gets.length).toBeLessThanOrEqual(Math.ceil(durations[i] / 1000) + 1);
			expect(gets.length).toBeGreaterThanOrEqual(1);
		});
	});

	it('keeps at most "Max Tasks in Flight" tasks open at once', async () => {
		const { items, error } = await runFreepik(sim, batchParams({ maxTasksInFlight: 2 }), {
			items: itemsWith(new Array(5).fill('[sim:duration=500]')),
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(5);
		const open = items.map((item) => {
			const task = sim.tasks.get(item.json.task_id)!;
			const lastGet = Math.max(...sim.requestsTo('get').filter((r) => r.taskId === item.json.task_id).map((r) => r.at));
			return { from: task.createdAt, to: lastGet };
		});
		for (const { from } of open) {
			const openAtThatMoment = open.filter((o) => o.from <= from && o.to > from).length;
			expect(openAtThatMoment).toBeLessThanOrEqual(2);
		}
	});

	it('on 429 for a create, waits Retry-After and submits again without creating a duplicate', async () => {
		sim.addFault({ route: 'create', kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too many requests' }, times: 2 });
		const { items, error } = await runFreepik(sim, batchParams(), { items: itemsWith(['[sim:duration=200]']) });
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('COMPLETED');
		expect(sim.requestsTo('create')).toHaveLength(3);
		expect(sim.stats().creates).toBe(1);
		const [first, , third] = sim.requestsTo('create');
		expect(third.at - first.at).toBeGreaterThanOrEqual(2000);
	});

	it('without Continue On Fail, the error of a failed item lists the tasks the batch already created', async () => {
		const { error } = await runFreepik(sim, batchParams(), {
			items: itemsWith(['[sim:duration=300]', '[sim:fail]', '[sim:duration=300]']),
		});
		expect(error).toBeDefined();
		const failedId = [...sim.tasks.values()].find((t) => String(t.body.description).includes('[sim:fail]'))!.id;
		expect(error!.message).toContain(failedId);
		for (const task of sim.tasks.values()) {
			expect(`${error!.message}\n${error!.description}`).toContain(task.id);
		}
	});

	it('with Continue On Fail, one failed item does not stop the others', async () => {
		const { items } = await runFreepik(sim, batchParams(), {
			items: itemsWith(['[sim:duration=300]', '[sim:fail]', '[sim:duration=600]']),
			continueOnFail: true,
		});
		expect(items.map((i) => i.json.status)).toEqual(['COMPLETED', 'FAILED', 'COMPLETED']);
		expect(items[1].json.error).toContain(items[1].json.task_id);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('stops waiting within one poll interval when the execution is cancelled, keeping task ids', async () => {
		const run = runFreepik(sim, batchParams({ pollInterval: 1, maxWaitTime: 60 }), {
			items: itemsWith(['[sim:never]', '[sim:never]']),
			cancelAfterMs: 1500,
			continueOnFail: true,
		});
		const { status } = await run;
		const cancelledAt = sim.requestsTo('create')[0].at + 1500;
		const latePolls = sim.requestsTo('get').filter((r) => r.at > cancelledAt + 1000);
		expect(latePolls).toHaveLength(0);
		expect(status).not.toBe('success');
		expect(sim.stats().creates).toBe(2);
	});
});
