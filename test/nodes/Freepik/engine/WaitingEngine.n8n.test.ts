import type { Simulator } from '../../../../simulator';
import { FastClock } from '../../../helpers/fastClock';
import { runFreepik, startSimulator } from '../../../helpers/freepik';
import { retryWaits } from '../../../helpers/retryWaits';
import { waitFor } from '../../../simulator/helpers';

/** Items whose description carries the simulator hint that sets each task's duration or fate. */
const itemsWith = (hints: string[]) =>
	hints.map((hint, i) => ({ json: { description: `Voice ${i} ${hint}` } }));

const batchParams = (
	options: Record<string, unknown> = {},
	tuning: Record<string, unknown> = {},
) => ({
	operation: 'isolate',
	description: '={{ $json.description }}',
	inputType: 'audio',
	inputSource: 'url',
	url: 'https://example.com/episode.mp3',
	waitForCompletion: true,
	downloadResult: true,
	options: { pollInterval: 1, maxWaitTime: 30, ...options },
	tuning,
});

const descriptionOf = (sim: Simulator, taskId: string) =>
	String(sim.tasks.get(taskId)!.body.description);

describe('waiting engine (a whole batch at once)', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	/** The engine on a clock five times faster than real time, for tasks a fifth as long. */
	const fastEngine = () => ({ engine: { clock: new FastClock(5) } });

	it('emits outputs in input order with pairedItem, each task submitted exactly once', async () => {
		const durations = [520, 80, 360, 40, 240, 180];
		const { items, error } = await runFreepik(sim, batchParams(), {
			items: itemsWith(durations.map((d) => `[sim:duration=${d}]`)),
			tuning: fastEngine(),
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual(durations.map((_, i) => ({ item: i })));
		items.forEach((item, i) => {
			expect(item.json.status).toBe('COMPLETED');
			expect(descriptionOf(sim, item.json.task_id)).toBe(
				`Voice ${i} [sim:duration=${durations[i]}]`,
			);
			expect(item.binary?.data.fileName).toBe('episode-isolated.wav');
		});
		expect(sim.stats().creates).toBe(durations.length);
		expect(sim.requestsTo('create')).toHaveLength(durations.length);
	});

	it('on 429 for a create, waits Retry-After and submits again without creating a duplicate', async () => {
		sim.addFault({
			route: 'create',
			kind: 'status',
			status: 429,
			headers: { 'retry-after': '1' },
			body: { message: 'Too many requests' },
			times: 2,
		});
		retryWaits.clear();
		const { items, error } = await runFreepik(sim, batchParams(), {
			items: itemsWith(['[sim:duration=200]']),
			tuning: { client: { sleep: retryWaits.sleep } },
		});
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('COMPLETED');
		expect(sim.requestsTo('create')).toHaveLength(3);
		expect(sim.stats().creates).toBe(1);
		// Each Retry-After (1 s) was waited out before the create went out again.
		expect(retryWaits.list.map((w) => w.ms)).toEqual([1000, 1000]);
		const [, second, third] = sim.requestsTo('create');
		expect(second.at).toBeGreaterThanOrEqual(retryWaits.list[0].endedAt!);
		expect(third.at).toBeGreaterThanOrEqual(retryWaits.list[1].endedAt!);
	});

	it('without Continue On Fail, the error of a failed item lists the tasks the batch already created', async () => {
		const { error } = await runFreepik(sim, batchParams(), {
			items: itemsWith(['[sim:duration=300]', '[sim:fail]', '[sim:duration=300]']),
		});
		expect(error).toBeDefined();
		const failedId = [...sim.tasks.values()].find((t) =>
			String(t.body.description).includes('[sim:fail]'),
		)!.id;
		expect(error!.message).toContain(failedId);
		for (const task of sim.tasks.values()) {
			expect(`${error!.message}\n${error!.description}`).toContain(task.id);
		}
	});

	it('with Continue On Fail, one failed item does not stop the others', async () => {
		const { items } = await runFreepik(sim, batchParams(), {
			items: itemsWith(['[sim:duration=60]', '[sim:fail]', '[sim:duration=120]']),
			continueOnFail: true,
			tuning: fastEngine(),
		});
		expect(items.map((i) => i.json.status)).toEqual(['COMPLETED', 'FAILED', 'COMPLETED']);
		expect(items[1].json.error).toContain(items[1].json.task_id);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('on cancel stops, logs one warn line per task left running and downloads nothing afterwards', async () => {
		// Held for 100 s, and Max Wait Time is 1 h: a node deaf to the cancel could not end within the
		// time waited for below. Cancelled once the finished task's download is on the wire.
		sim.addFault({ route: 'download', kind: 'delay', ms: 100_000, times: 'Infinity' });
		const { status, logs } = await runFreepik(
			sim,
			batchParams({ pollInterval: 1, maxWaitTime: 3600 }, { maxTasksInFlight: 3 }),
			{
				items: itemsWith(['[sim:never]', '[sim:never]', '[sim:duration=200]', '[sim:never]']),
				cancelWhen: () => sim.requestsTo('download').length > 0,
				continueOnFail: true,
			},
		);
		expect(status).not.toBe('success');
		expect(sim.stats().creates).toBe(3);
		// n8n reports the run cancelled at once; the node has wound down when its engine says so.
		const summary = /0 of 4 tasks finished \(0 ok, 0 failed\), 3 running, 1 queued/;
		await waitFor(() => logs.some((l) => summary.test(l.message)));
		const requestsWhenEnded = sim.requests.length;
		const warns = logs
			.filter((l) => l.level === 'warn' && /execution cancelled/.test(l.message))
			.map((l) => l.message);
		for (const [index, task] of [...sim.tasks.values()]
			.sort((a, b) => a.index - b.index)
			.entries()) {
			expect(warns).toContainEqual(
				expect.stringMatching(
					new RegExp(
						`item ${index}: task ${task.id} keeps running on Freepik \\(last status \\w+\\)`,
					),
				),
			);
		}
		expect(warns).toContainEqual(expect.stringMatching(summary));
		// The download on the wire was aborted (the client hung up, status 0), not left to finish.
		const downloads = sim.requestsTo('download');
		expect(downloads.length).toBeGreaterThanOrEqual(1);
		await waitFor(() => downloads.every((r) => r.status === 0));
		// Nothing new reaches the API or the file host once the node has ended.
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(sim.requests).toHaveLength(requestsWhenEnded);
	});
});
