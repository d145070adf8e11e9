/**
 * Batches: N input items give N output items in input order, each paired with its item, each task
 * submitted exactly once, failures reported per item (Continue On Fail) or with every created task
 * id (without it). Each item's description comes from an expression so simulator hints vary per item.
 */
import type { Simulator } from '../../../../simulator';
import { FastClock } from '../../../helpers/fastClock';
import {
	isolateFromUrl,
	readBinary,
	runFreepik,
	startSimulator,
	useTuning,
} from '../../../helpers/freepik';
import { advanceTask, waitFor } from '../../../simulator/helpers';
import { errorOf, expectNoKeyLeak, itemsWith, perItemDescription } from '../utils';

describe('batches', () => {
	// The node waits on a clock five times faster than real time, and most tasks take a fifth of
	// what they would (`[sim:duration=…]` below is real ms): the same timeline, five times shorter.
	const clock = new FastClock(5);
	let sim: Simulator;
	let restoreTuning: () => void;
	beforeAll(async () => {
		restoreTuning = useTuning({ engine: { clock } });
		sim = await startSimulator({ taskDurationMs: 60 });
	});
	afterAll(async () => {
		restoreTuning();
		await sim.close();
	});
	beforeEach(() => sim.reset());

	/** The result file exactly as the file host serves it for a task. */
	const fileOf = async (taskId: string, index: number) =>
		Buffer.from(await (await fetch(sim.taskView(taskId)!.generated[index])).arrayBuffer());

	const pollsOf = (taskId: string) =>
		sim.requestsTo('get').filter((r) => r.taskId === taskId).length;
	const taskIdOf = (description: string) =>
		[...sim.tasks.values()].find((task) => task.body.description === description)?.id;

	it('returns N items in input order with the right pairing, though tasks finish in another order', async () => {
		const descriptions = ['a', 'b', 'c', 'd'].map((name) => `${name} [sim:never]`);
		const run = runFreepik(sim, isolateFromUrl({ description: perItemDescription }), {
			items: itemsWith(...descriptions),
		});
		// Finished one after the other in the order b, d, c, a, each once the node has downloaded the
		// one before: out of input order however long each step takes on a busy machine.
		await waitFor(() => sim.tasks.size === 4);
		for (const i of [1, 3, 2, 0]) {
			const id = taskIdOf(descriptions[i])!;
			advanceTask(sim, id, 'COMPLETED');
			await waitFor(() => sim.requestsTo('download').some((r) => r.taskId === id && r.status));
		}
		const { items, error } = await run;
		expect(error).toBeUndefined();
		expect(items).toHaveLength(4);
		descriptions.forEach((description, i) => {
			const id = taskIdOf(description);
			expect(items[i].pairedItem).toEqual({ item: i });
			expect(items[i].json).toMatchObject({ task_id: id, status: 'COMPLETED' });
			expect(items[i].binary!.data.fileName).toBe('interview-isolated.wav');
		});
		// The scenario is real: the simulator finished them out of input order.
		const finishOrder = [...sim.tasks.values()]
			.sort((x, y) => x.doneAt! - y.doneAt!)
			.map((t) => t.body.description);
		expect(finishOrder).toEqual([
			descriptions[1],
			descriptions[3],
			descriptions[2],
			descriptions[0],
		]);
		// Each task submitted exactly once, and each result downloaded once.
		expect(sim.stats().creates).toBe(4);
		expect(sim.requestsTo('create')).toHaveLength(4);
		expect(sim.stats().downloads).toBe(4);
		// Each item holds its own task's file (as the file host serves it for that task).
		for (const item of items) {
			expect((await readBinary(item.binary!.data)).equals(await fileOf(item.json.task_id, 0))).toBe(
				true,
			);
		}
	});

	it('submits every task of a batch at once rather than one after another', async () => {
		const run = runFreepik(
			sim,
			isolateFromUrl({ description: perItemDescription, downloadResult: false }),
			{ items: itemsWith(...Array.from({ length: 6 }, (_, i) => `voice ${i} [sim:never]`)) },
		);
		// One after another, the second create would wait for the first task to finish, and none
		// finishes before all six exist.
		await waitFor(() => sim.requestsTo('create').length === 6);
		for (const task of sim.tasks.values()) advanceTask(sim, task.id, 'COMPLETED');
		const { items, error } = await run;
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.status)).toEqual(Array(6).fill('COMPLETED'));
		expect(sim.requestsTo('create')).toHaveLength(6);
	});

	it('respects Max Tasks in Flight and still outputs every item in order', async () => {
		const descriptions = Array.from(
			{ length: 4 },
			(_, i) => `voice ${i} [sim:duration=${i % 2 ? 20 : 120}]`,
		);
		const { items, error } = await runFreepik(
			sim,
			isolateFromUrl({
				description: perItemDescription,
				downloadResult: false,
				tuning: { maxTasksInFlight: 2 },
			}),
			{ items: itemsWith(...descriptions) },
		);
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.task_id)).toEqual(descriptions.map(taskIdOf));
		expect(items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		// Never more than 2 unfinished tasks: the 3rd create comes after one of the first two finished.
		const tasks = [...sim.tasks.values()].sort((a, b) => a.index - b.index);
		const firstDone = Math.min(tasks[0].doneAt!, tasks[1].doneAt!);
		expect(tasks[2].createdAt).toBeGreaterThanOrEqual(firstDone);
		expect(sim.stats().creates).toBe(4);
	});

	it('with Continue On Fail reports the failed item in place and completes the others', async () => {
		const descriptions = [
			'ok 1 [sim:duration=120]',
			'bad [sim:fail] [sim:duration=20]',
			'ok 2 [sim:duration=40]',
		];
		const result = await runFreepik(sim, isolateFromUrl({ description: perItemDescription }), {
			items: itemsWith(...descriptions),
			continueOnFail: true,
		});
		const { items, error } = result;
		expect(error).toBeUndefined();
		expect(items).toHaveLength(3);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toMatchObject({
			task_id: taskIdOf(descriptions[0]),
			status: 'COMPLETED',
		});
		expect(items[0].binary!.data).toBeDefined();
		expect(items[1].json).toMatchObject({ task_id: taskIdOf(descriptions[1]), status: 'FAILED' });
		expect(items[1].json.error).toContain(taskIdOf(descriptions[1]));
		expect(items[1].binary).toBeUndefined();
		expect(items[2].json).toMatchObject({
			task_id: taskIdOf(descriptions[2]),
			status: 'COMPLETED',
		});
		expect(sim.stats().creates).toBe(3);
		expectNoKeyLeak(sim, result);
	});

	it('with Continue On Fail keeps going when one create is rejected, and submits each task once', async () => {
		sim.addFault({
			route: 'create',
			kind: 'status',
			status: 400,
			body: { message: 'Request validation failed' },
		});
		const { items, error } = await runFreepik(
			sim,
			isolateFromUrl({
				description: perItemDescription,
				downloadResult: false,
				tuning: { maxTasksInFlight: 1 },
			}),
			{ items: itemsWith('first', 'second', 'third'), continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.error).toContain('Request validation failed');
		expect(items[0].json.task_id).toBeUndefined();
		expect(items[1].json).toMatchObject({ task_id: taskIdOf('second'), status: 'COMPLETED' });
		expect(items[2].json).toMatchObject({ task_id: taskIdOf('third'), status: 'COMPLETED' });
		expect(sim.requestsTo('create')).toHaveLength(3);
		expect(sim.stats().creates).toBe(2);
	});

	it('without Continue On Fail throws the failing task and lists every task the batch already created', async () => {
		const descriptions = [
			'long 1 [sim:duration=2000]',
			'bad [sim:fail] [sim:duration=20]',
			'long 2 [sim:duration=2000]',
		];
		const result = await runFreepik(sim, isolateFromUrl({ description: perItemDescription }), {
			items: itemsWith(...descriptions),
		});
		const error = errorOf(result);
		const [long1, bad, long2] = descriptions.map(taskIdOf);
		// The error is about the task that failed, not about one merely stopped because of it.
		expect(error.message).toContain(bad);
		expect(error.message).toContain('FAILED');
		expect(error.description).toContain(long1);
		expect(error.description).toContain(long2);
		expect(error.description).toMatch(new RegExp(`${long1} \\(item 0, [A-Z_]+, not finished\\)`));
		expect(result.items).toHaveLength(0);
		// Stopped at the failure instead of waiting 10 s (node's clock) for the others: at most one
		// more poll round (waiting on, they would be polled until done); nothing was submitted twice.
		expect(pollsOf(long1!)).toBeLessThanOrEqual(2);
		expect(pollsOf(long2!)).toBeLessThanOrEqual(2);
		expect(sim.stats().creates).toBe(3);
		expect(sim.stats().downloads).toBe(0);
		expectNoKeyLeak(sim, result);
	});

	it('without Continue On Fail names the tasks created alongside a rejected create', async () => {
		sim.addFault({
			route: 'create',
			kind: 'status',
			status: 400,
			body: { message: 'Request validation failed' },
		});
		// All three creates go out together; the first is rejected, the other two create tasks.
		const descriptions = ['rejected', 'second [sim:duration=2000]', 'third [sim:duration=2000]'];
		const result = await runFreepik(sim, isolateFromUrl({ description: perItemDescription }), {
			items: itemsWith(...descriptions),
		});
		const error = errorOf(result);
		expect(error.httpCode).toBe('400');
		expect(error.message).toContain('Request validation failed');
		expect(sim.requestsTo('create')).toHaveLength(3);
		expect(sim.stats().creates).toBe(2);
		expect(error.description).toMatch(new RegExp(`${taskIdOf(descriptions[1])} \\(item 1, `));
		expect(error.description).toMatch(new RegExp(`${taskIdOf(descriptions[2])} \\(item 2, `));
		// Did not wait for the other two tasks (10 s on the node's clock): at most one poll round.
		expect(pollsOf(taskIdOf(descriptions[1])!)).toBeLessThanOrEqual(2);
		expect(pollsOf(taskIdOf(descriptions[2])!)).toBeLessThanOrEqual(2);
	});

	it('keeps outputs in order with Wait for Completion off', async () => {
		const { items } = await runFreepik(
			sim,
			isolateFromUrl({ description: perItemDescription, waitForCompletion: false }),
			{
				items: itemsWith('x', 'y', 'z'),
			},
		);
		expect(items.map((i) => i.json.task_id)).toEqual(['x', 'y', 'z'].map(taskIdOf));
		expect(items.map((i) => i.json.status)).toEqual(['CREATED', 'CREATED', 'CREATED']);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim.stats().gets).toBe(0);
	});
});
