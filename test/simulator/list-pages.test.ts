import { createSimulator, Simulator } from '../../simulator';
import { API_PATH, api, audio, createTask } from './helpers';

interface Page {
	data: Array<{ task_id: string }>;
	links?: { first: string | null; last: string | null; prev: string | null; next: string | null };
	meta?: Record<string, number | null>;
}

describe('simulator list pages', () => {
	let sim: Simulator;
	let newestFirst: string[];
	beforeAll(async () => (sim = await createSimulator({ taskDurationMs: 200 })));
	afterAll(() => sim.close());
	beforeEach(async () => {
		sim.reset({ options: true });
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			const { json } = await createTask(sim, { description: `t${i}`, audio: audio() });
			ids.push(json.data.task_id);
		}
		newestFirst = ids.reverse();
	});

	const apiKey = () => ({ 'x-freepik-api-key': sim.apiKey });
	const list = async (query = '') => (await (await api(sim, `${API_PATH}${query}`)).json()) as Page;

	it('answers every task at once without pagination fields by default (as documented)', async () => {
		const body = await list('?page=2');
		expect(Object.keys(body)).toEqual(['data']);
		expect(body.data.map((t) => t.task_id)).toEqual(newestFirst);
	});

	it('answers pages with links on the API origin and meta, Laravel style', async () => {
		sim.configure({ listPages: { size: 2 } });
		const first = await list();
		expect(first.data.map((t) => t.task_id)).toEqual(newestFirst.slice(0, 2));
		expect(first.links).toEqual({
			first: `${sim.apiUrl}${API_PATH}?page=1`,
			last: `${sim.apiUrl}${API_PATH}?page=3`,
			prev: null,
			next: `${sim.apiUrl}${API_PATH}?page=2`,
		});
		expect(first.meta).toEqual({
			current_page: 1,
			last_page: 3,
			per_page: 2,
			total: 5,
			from: 1,
			to: 2,
		});
		const next = await (await fetch(first.links!.next!, { headers: apiKey() })).json();
		expect((next as Page).data.map((t) => t.task_id)).toEqual(newestFirst.slice(2, 4));
		const last = await list('?page=3');
		expect(last.data.map((t) => t.task_id)).toEqual(newestFirst.slice(4));
		expect(last.links).toMatchObject({ prev: `${sim.apiUrl}${API_PATH}?page=2`, next: null });
		expect(last.meta).toMatchObject({ current_page: 3, from: 5, to: 5 });
		const beyond = await list('?page=4');
		expect(beyond.data).toEqual([]);
		expect(beyond.meta).toMatchObject({ current_page: 4, from: null, to: null });
	});

	it('can point links at paths, at another origin, or leave links or meta out', async () => {
		sim.configure({ listPages: { size: 2, next: 'relative' } });
		expect((await list()).links?.next).toBe(`${API_PATH}?page=2`);
		sim.configure({ listPages: { size: 2, next: 'foreign' } });
		const foreign = await list();
		expect(foreign.links?.next).toBe(`${sim.fileUrl}${API_PATH}?page=2`);
		expect(new URL(foreign.links!.next!).origin).not.toBe(new URL(sim.apiUrl).origin);
		sim.configure({ listPages: { size: 2, next: 'none', meta: false } });
		expect(Object.keys(await list())).toEqual(['data']);
	});

	it('refuses a page number that is not a positive integer', async () => {
		sim.configure({ listPages: { size: 2 } });
		for (const page of ['0', '-1', '1.5', 'two']) {
			const res = await api(sim, `${API_PATH}?page=${page}`);
			expect(res.status).toBe(400);
			expect(await res.json()).toEqual({
				message: 'Invalid request',
				invalid_params: [{ name: 'page', reason: 'must be a positive integer' }],
			});
		}
	});

	it('keeps list faults working on paged answers', async () => {
		sim.configure({ listPages: { size: 2 } });
		sim.addFault({ route: 'list', kind: 'unknownStatus', taskStatus: 'QUEUED' });
		const page = await list();
		expect(page.data.map((t: any) => t.status)).toEqual(['QUEUED', 'QUEUED']);
		expect(page.meta?.last_page).toBe(3);
		sim.addFault({ route: 'list', kind: 'malformed' });
		const res = await api(sim, API_PATH);
		await expect(res.json()).rejects.toThrow();
	});
});
