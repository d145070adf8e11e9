import { describeWav, type Simulator } from '../../../../../simulator';
import { advanceTask, audio, createTask, waitFor } from '../../../../simulator/helpers';
import { FastClock } from '../../../../helpers/fastClock';
import { readBinary, runFreepik, startSimulator, useTuning } from '../../../../helpers/freepik';
import { TEMPORARY_LINK_NOTE } from '../../../../../nodes/Freepik/helpers/messages';
import { errorOf, expectNoKeyLeak, itemsWith } from '../../utils';

/** Creates a task directly on the simulator (as an earlier Isolate run would have). */
async function seedTask(sim: Simulator, description: string) {
	const { res, json } = await createTask(sim, { description, audio: audio() });
	expect(res.status).toBe(200);
	return json.data.task_id as string;
}

async function seedCompletedTask(sim: Simulator, description = 'voice [sim:duration=20]') {
	const id = await seedTask(sim, description);
	await waitFor(() => sim.taskView(id)!.status === 'COMPLETED');
	return id;
}

const get = (taskId: string, extra: Record<string, unknown> = {}) => ({
	operation: 'get',
	taskId,
	...extra,
	options: { pollInterval: 1, ...((extra.options as object) ?? {}) },
});

describe('Get', () => {
	// The node waits on a clock ten times faster than real time; task durations are real, so they
	// are a tenth of what the waits are meant to cover.
	const clock = new FastClock(10);
	let sim: Simulator;
	let restoreTuning: () => void;
	beforeAll(async () => {
		restoreTuning = useTuning({ engine: { clock } });
		sim = await startSimulator({ taskDurationMs: 30 });
	});
	afterAll(async () => {
		restoreTuning();
		await sim.close();
	});
	beforeEach(() => sim.reset());

	/** Requests the node made (seeding happens before). */
	const nodeRequests = (since: number) => sim.requests.slice(since);

	describe('without waiting', () => {
		it('returns the task as it is now with one GET and nothing else', async () => {
			const id = await seedTask(sim, 'voice [sim:duration=36000000]'); // CREATED for an hour
			const before = sim.requests.length;
			const { items, error } = await runFreepik(sim, get(id, { waitForCompletion: false }));
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			expect(items[0].json).toEqual({ task_id: id, status: 'CREATED', generated: [] });
			expect(items[0].binary).toBeUndefined();
			expect(items[0].pairedItem).toEqual({ item: 0 });
			expect(nodeRequests(before).map((r) => `${r.route} ${r.taskId}`)).toEqual([`get ${id}`]);
		});

		it('downloads the result of a task that is already COMPLETED', async () => {
			const id = await seedCompletedTask(sim, 'voice [sim:duration=20] [sim:results=2]');
			const before = sim.requests.length;
			const result = await runFreepik(
				sim,
				get(id, { waitForCompletion: false, downloadResult: true }),
			);
			expect(result.error).toBeUndefined();
			const [item] = result.items;
			expect(item.json).toEqual({
				task_id: id,
				status: 'COMPLETED',
				generated: sim.taskView(id)!.generated,
			});
			expect(item.binary!.data).toMatchObject({ mimeType: 'audio/wav', fileName: `${id}.wav` });
			expect(item.binary!.data_1).toMatchObject({ mimeType: 'audio/wav', fileName: `${id}_1.wav` });
			expect(describeWav(await readBinary(item.binary!.data))).not.toBeNull();
			expect(nodeRequests(before).map((r) => r.route)).toEqual(['get', 'download', 'download']);
			expectNoKeyLeak(sim, result);
		});

		it('downloads into a custom output binary field', async () => {
			const id = await seedCompletedTask(sim);
			const { items } = await runFreepik(
				sim,
				get(id, { waitForCompletion: false, options: { outputBinaryPropertyName: 'clean' } }),
			);
			expect(Object.keys(items[0].binary!)).toEqual(['clean']);
		});

		it('does not download when Download Result is off', async () => {
			const id = await seedCompletedTask(sim);
			const before = sim.requests.length;
			const { items, error } = await runFreepik(
				sim,
				get(id, { waitForCompletion: false, downloadResult: false }),
			);
			expect(error).toBeUndefined();
			expect(items[0].json.status).toBe('COMPLETED');
			expect(items[0].binary).toBeUndefined();
			expect(nodeRequests(before).map((r) => r.route)).toEqual(['get']);
		});

		it('reports a FAILED task as it is, without raising', async () => {
			const id = await seedTask(sim, 'voice [sim:fail] [sim:duration=20]');
			await waitFor(() => sim.taskView(id)!.status === 'FAILED');
			const { items, error } = await runFreepik(sim, get(id, { waitForCompletion: false }));
			expect(error).toBeUndefined();
			expect(items[0].json).toEqual({ task_id: id, status: 'FAILED', generated: [] });
		});

		it('says so when Freepik answers with an empty body', async () => {
			const id = await seedTask(sim, 'voice');
			sim.addFault({ route: 'get', kind: 'status', status: 200, body: '', times: 'Infinity' });
			const error = errorOf(await runFreepik(sim, get(id, { waitForCompletion: false })));
			expect(`${error.message}\n${error.description}`).toContain('(empty body)');
			expect(`${error.message}\n${error.description}`).toContain(id);
		});

		it('never follows a redirect, even one without a Location', async () => {
			const id = await seedTask(sim, 'voice');
			sim.addFault({ route: 'get', kind: 'status', status: 302, body: '', times: 'Infinity' });
			const error = errorOf(await runFreepik(sim, get(id, { waitForCompletion: false })));
			expect(`${error.message}\n${error.description}`).toContain(
				'redirect to another location was not followed, so the API key stays on the API host',
			);
			expect(sim.requests.filter((r) => r.server === 'api' && r.route === 'get')).toHaveLength(1);
		});

		it('fails with a 404 that names the unknown task ID', async () => {
			const id = '046b6c7f-0b8a-43b9-b35d-6489e6daee91';
			const result = await runFreepik(sim, get(id, { waitForCompletion: false }));
			const error = errorOf(result);
			expect(error.name).toBe('NodeApiError');
			expect(error.httpCode).toBe('404');
			expect(error.message).toContain(id);
			expect(sim.requestsTo('get')).toHaveLength(1);
		});
	});

	describe('waiting', () => {
		it('polls a running task until COMPLETED, then downloads it', async () => {
			const id = await seedTask(sim, 'voice [sim:never]');
			const before = sim.requests.length;
			const run = runFreepik(sim, get(id, { waitForCompletion: true }));
			// It finishes once the node has seen it running, however long that took on a busy machine.
			await waitFor(() => nodeRequests(before).some((r) => r.route === 'get' && r.status === 200));
			advanceTask(sim, id, 'COMPLETED');
			const { items, error } = await run;
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ task_id: id, status: 'COMPLETED' });
			expect(items[0].binary!.data.fileName).toBe(`${id}.wav`);
			const routes = nodeRequests(before).map((r) => r.route);
			expect(routes.filter((r) => r === 'get').length).toBeGreaterThanOrEqual(2);
			expect(routes[routes.length - 1]).toBe('download');
			// Seen done at the first poll after it finished: every poll but the last came before that.
			const polls = nodeRequests(before).filter((r) => r.route === 'get');
			const doneAt = sim.tasks.get(id)!.doneAt!;
			expect(polls.slice(0, -1).every((r) => r.at < doneAt)).toBe(true);
		});

		it('returns a task that is already COMPLETED after a single GET', async () => {
			const id = await seedCompletedTask(sim);
			const before = sim.requests.length;
			// Asked at once, not one Poll Interval later: one Poll Interval is 1 h (6 min of real time),
			// far past the test's timeout.
			const { items } = await runFreepik(
				sim,
				get(id, {
					waitForCompletion: true,
					downloadResult: false,
					options: { pollInterval: 3600, maxWaitTime: 7200 },
				}),
			);
			expect(items[0].json.status).toBe('COMPLETED');
			expect(items[0].binary).toBeUndefined();
			expect(nodeRequests(before).map((r) => r.route)).toEqual(['get']);
		});

		it('raises an error naming the task when it ends FAILED', async () => {
			const id = await seedTask(sim, 'voice [sim:fail]');
			const error = errorOf(await runFreepik(sim, get(id, { waitForCompletion: true })));
			expect(error.message).toContain(id);
			expect(error.message).toContain('FAILED');
			expect(error.description).toContain(id);
		});

		it('gives up after Max Wait Time with the task ID and last status', async () => {
			const id = await seedTask(sim, 'voice [sim:never]');
			const before = sim.requests.length;
			const readsBefore = clock.readings.length;
			const result = await runFreepik(
				sim,
				get(id, { waitForCompletion: true, options: { maxWaitTime: 2, pollInterval: 1 } }),
			);
			const endedAt = clock.now();
			const error = errorOf(result);
			expect(error.message).toContain(id);
			expect(error.message).toMatch(/last status: (CREATED|IN_PROGRESS)/);
			// Not before Max Wait Time: the node gave up 2 s (its clock) after the engine started or later.
			// (Its last poll may have gone out just before that, answered just after.)
			const polls = nodeRequests(before).filter((r) => r.route === 'get');
			const engineStartedAt = clock.readings[readsBefore];
			expect(endedAt - engineStartedAt).toBeGreaterThanOrEqual(2000);
			// Not long after it: polls stop at Max Wait Time (1 s Poll Interval: at most 4 with the first).
			expect(polls.length).toBeLessThanOrEqual(4);
		});

		it('gets several tasks from a batch of items, in input order', async () => {
			const slow = await seedTask(sim, 'slow [sim:duration=180]');
			const fast = await seedTask(sim, 'fast [sim:duration=10]');
			const { items, error } = await runFreepik(
				sim,
				get('={{ $json.d }}', { waitForCompletion: true, downloadResult: false }),
				{ items: itemsWith(slow, fast) },
			);
			expect(error).toBeUndefined();
			expect(items.map((i) => [i.json.task_id, i.json.status, i.pairedItem])).toEqual([
				[slow, 'COMPLETED', { item: 0 }],
				[fast, 'COMPLETED', { item: 1 }],
			]);
		});

		it('with Continue On Fail turns a FAILED task into an error item and keeps the others', async () => {
			const ok = await seedTask(sim, 'ok');
			const bad = await seedTask(sim, 'bad [sim:fail]');
			const { items, error } = await runFreepik(
				sim,
				get('={{ $json.d }}', { waitForCompletion: true, downloadResult: false }),
				{ items: itemsWith(ok, bad, ''), continueOnFail: true },
			);
			expect(error).toBeUndefined();
			expect(items).toHaveLength(3);
			expect(items[0].json).toMatchObject({ task_id: ok, status: 'COMPLETED' });
			expect(items[1].json).toMatchObject({ task_id: bad, status: 'FAILED' });
			expect(items[1].json.error).toContain(bad);
			expect(items[2].json.error).toMatch(/^Invalid "Task ID": must not be empty/);
			expect(items[2].json.errorDescription).toMatch(/^Nothing was sent to Freepik/);
			expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		});
	});

	describe('as an AI tool', () => {
		it('returns a COMPLETED task with its links and the note that they expire, downloading nothing', async () => {
			const id = await seedCompletedTask(sim);
			const { items, error } = await runFreepik(sim, get(id), { asTool: true });
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ task_id: id, status: 'COMPLETED' });
			expect(items[0].json.generated).toHaveLength(1);
			expect(items[0].json.note).toBe(TEMPORARY_LINK_NOTE);
			expect(items[0].binary).toBeUndefined();
			expect(sim.requestsTo('download')).toEqual([]);
		});

		it('adds no note to a task that has no links yet', async () => {
			const id = await seedTask(sim, 'voice [sim:never]');
			const { items, error } = await runFreepik(sim, get(id), { asTool: true });
			expect(error).toBeUndefined();
			expect(items[0].json).toEqual({ task_id: id, status: expect.any(String), generated: [] });
		});
	});
});
