import type { Simulator } from '../../../../../simulator';
import { API_PATH, api, audio, createTask } from '../../../../simulator/helpers';
import { runFreepik, startSimulator } from '../../../../helpers/freepik';
import { errorOf, expectNoKeyLeak } from '../../utils';

describe('Get Many', () => {
	let sim: Simulator;
	let listed: Array<{ task_id: string; status: string; generated: string[] }>;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(async () => {
		sim.reset();
		for (const description of [
			'one [sim:duration=20]',
			'two [sim:fail] [sim:duration=20]',
			'three [sim:never]',
			'four',
			'five',
		]) {
			expect((await createTask(sim, { description, audio: audio() })).res.status).toBe(200);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
		// What the API itself lists now (order as Freepik gives it).
		listed = ((await (await api(sim, API_PATH)).json()) as { data: typeof listed }).data;
		expect(listed).toHaveLength(5);
	});

	const nodeLists = () => sim.requestsTo('list').slice(1);

	it('returns every task, one item each, as the API lists them, when Return All is on', async () => {
		const result = await runFreepik(sim, { operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5);
		expect(result.items.map((i) => i.json.task_id)).toEqual(listed.map((t) => t.task_id));
		for (const item of result.items) {
			expect(Object.keys(item.json).sort()).toEqual(['generated', 'status', 'task_id']);
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.binary).toBeUndefined();
		}
		const statuses = Object.fromEntries(
			[...sim.tasks.values()].map((t) => [t.id, String(t.body.description).split(' ')[0]]),
		);
		const byName = Object.fromEntries(
			result.items.map((i) => [statuses[i.json.task_id], i.json.status]),
		);
		expect(byName).toMatchObject({ one: 'COMPLETED', two: 'FAILED' });
		expect(nodeLists()).toHaveLength(1);
		expectNoKeyLeak(sim, result);
	});

	it('returns at most Limit tasks, the first ones the API lists', async () => {
		const { items, error } = await runFreepik(sim, {
			operation: 'getAll',
			returnAll: false,
			limit: 2,
		});
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.task_id)).toEqual(listed.slice(0, 2).map((t) => t.task_id));
	});

	it('uses Limit 50 by default', async () => {
		const { items } = await runFreepik(sim, { operation: 'getAll' });
		expect(items).toHaveLength(5);
	});

	it('returns one list per input item, each paired with its item', async () => {
		const { items } = await runFreepik(
			sim,
			{ operation: 'getAll', returnAll: false, limit: '={{ $json.n }}' },
			{
				items: [{ json: { n: 1 } }, { json: { n: 3 } }],
			},
		);
		expect(items.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
			{ item: 1 },
		]);
		expect(nodeLists()).toHaveLength(2);
	});

	it('returns no items when the account has no tasks', async () => {
		sim.reset();
		const { items, error } = await runFreepik(sim, { operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
	});

	it('reports an API error with its HTTP code, and as an item with Continue On Fail', async () => {
		sim.addFault({
			route: 'list',
			kind: 'status',
			status: 403,
			body: { message: 'User is not authorized to access this resource' },
			times: 2,
		});
		const failed = errorOf(await runFreepik(sim, { operation: 'getAll', returnAll: true }));
		expect(failed.name).toBe('NodeApiError');
		expect(failed.httpCode).toBe('403');
		expect(failed.message).toContain('User is not authorized to access this resource');

		const { items, error } = await runFreepik(
			sim,
			{ operation: 'getAll', returnAll: true },
			{ continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json.error).toContain('User is not authorized');
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});
});
