import type { Simulator } from '../../../../../simulator';
import { API_PATH, api, audio, createTask } from '../../../../simulator/helpers';
import { runFreepik, startSimulator } from '../../../../helpers/freepik';
import { errorOf, expectNoKeyLeak } from '../../utils';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { capturedLogs } = require('../../../../../harness/n8n-harness') as {
	capturedLogs: Array<{ level: string; message: string }>;
};

describe('Get Many', () => {
	let sim: Simulator;
	let listed: Array<{ task_id: string; status: string; generated: string[] }>;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(async () => {
		sim.reset({ options: true });
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

	describe('when the list answers in pages', () => {
		let logsBefore = 0;
		beforeEach(() => {
			sim.requests.length = 0; // forget the list call of the outer beforeEach
			logsBefore = capturedLogs.length;
		});
		const nodeLists = () => sim.requestsTo('list');
		const listQueries = () => nodeLists().map((r) => r.query);
		const fileHostRequests = () => sim.requests.filter((r) => r.server === 'file');
		// The harness keeps one log per test file: a run's lines are the ones after logsBefore.
		const warnings = () =>
			capturedLogs
				.slice(logsBefore)
				.filter((l) => l.level === 'warn')
				.map((l) => l.message);

		it('Return All follows links.next over 3 pages, in the API order', async () => {
			sim.configure({ listPages: { size: 2 } });
			const result = await runFreepik(sim, { operation: 'getAll', returnAll: true });
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => i.json.task_id)).toEqual(listed.map((t) => t.task_id));
			expect(result.items.every((i) => i.pairedItem.item === 0)).toBe(true);
			expect(listQueries()).toEqual([{}, { page: '2' }, { page: '3' }]);
			expect(nodeLists().every((r) => r.headers['x-freepik-api-key'] === sim.apiKey)).toBe(true);
			expectNoKeyLeak(sim, result);
		});

		it('follows next links given as paths, and page numbers when there are no links', async () => {
			sim.configure({ listPages: { size: 2, next: 'relative' } });
			const relative = await runFreepik(sim, { operation: 'getAll', returnAll: true });
			expect(relative.items.map((i) => i.json.task_id)).toEqual(listed.map((t) => t.task_id));

			sim.requests.length = 0;
			sim.configure({ listPages: { size: 2, next: 'none' } });
			const numbered = await runFreepik(sim, { operation: 'getAll', returnAll: true });
			expect(numbered.items.map((i) => i.json.task_id)).toEqual(listed.map((t) => t.task_id));
			expect(listQueries()).toEqual([{}, { page: '2' }, { page: '3' }]);
		});

		it('honours Limit across pages and stops fetching once it is reached', async () => {
			sim.configure({ listPages: { size: 2 } });
			const three = await runFreepik(sim, { operation: 'getAll', returnAll: false, limit: 3 });
			expect(three.items.map((i) => i.json.task_id)).toEqual(
				listed.slice(0, 3).map((t) => t.task_id),
			);
			expect(listQueries()).toEqual([{}, { page: '2' }]);

			sim.requests.length = 0;
			const two = await runFreepik(sim, { operation: 'getAll', returnAll: false, limit: 2 });
			expect(two.items).toHaveLength(2);
			expect(sim.requestsTo('list')).toHaveLength(1);
		});

		it('stops at 100 pages, returns what they held and warns that pages were left', async () => {
			for (let i = 0; i < 100; i++)
				await createTask(sim, { description: `more ${i}`, audio: audio() });
			sim.configure({ listPages: { size: 1 } });
			const fast = { averageRequestsPerSecond: 1000, burstRequestsPerSecond: 1000 };
			const result = await runFreepik(sim, {
				operation: 'getAll',
				returnAll: true,
				tuning: fast,
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(100);
			expect(nodeLists()).toHaveLength(100);
			expect(nodeLists()[99].query).toEqual({ page: '100' });
			expect(warnings()).toEqual([expect.stringContaining('stopped after 100 pages (100 tasks)')]);
		});

		it('never follows a next link on another host; uses page numbers on the API instead', async () => {
			sim.configure({ listPages: { size: 2, next: 'foreign' } });
			const numbered = await runFreepik(sim, { operation: 'getAll', returnAll: true });
			expect(numbered.items.map((i) => i.json.task_id)).toEqual(listed.map((t) => t.task_id));
			expect(listQueries()).toEqual([{}, { page: '2' }, { page: '3' }]);
			expect(fileHostRequests()).toEqual([]);
			expect(warnings()).toEqual([]);
		});

		it('without page numbers, ignores a next link on another host and warns', async () => {
			sim.configure({ listPages: { size: 2, next: 'foreign', meta: false } });
			const result = await runFreepik(sim, { operation: 'getAll', returnAll: true });
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => i.json.task_id)).toEqual(
				listed.slice(0, 2).map((t) => t.task_id),
			);
			expect(nodeLists()).toHaveLength(1);
			expect(fileHostRequests()).toEqual([]);
			const host = new URL(sim.fileUrl).host;
			expect(warnings()).toEqual([
				expect.stringContaining(`next page is on ${host}, not on the API host; it was not fetched`),
			]);
			expectNoKeyLeak(sim, result);
		});
	});
});
