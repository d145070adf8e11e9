import { createSimulator, Simulator, wavFileSize } from '../../simulator';
import {
	API_PATH,
	ApiInit,
	api,
	audio,
	completedTask,
	createTask,
	getTask,
	waitFor,
} from './helpers';

const createBody = JSON.stringify({ description: 'voice', audio: audio() });
const postCreate = (sim: Simulator, init: ApiInit = {}) =>
	api(sim, API_PATH, { method: 'POST', body: createBody, ...init });

describe('fault injection', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await createSimulator({ taskDurationMs: 0 });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset({ options: true }));

	describe('create', () => {
		it('reset: the connection dies before anything happens, no task is created', async () => {
			sim.addFault({ route: 'create', kind: 'reset' });
			await expect(postCreate(sim)).rejects.toThrow();
			expect(sim.stats().creates).toBe(0);
			expect(sim.requestsTo('create')[0]).toMatchObject({
				fault: 'reset',
				status: 0,
				completed: false,
			});
			expect((await postCreate(sim)).status).toBe(200); // disarmed after one use
			expect(sim.stats().creates).toBe(1);
		});

		it('resetAfterCreate: the task exists although the client got no answer', async () => {
			sim.addFault({ route: 'create', kind: 'resetAfterCreate' });
			await expect(postCreate(sim)).rejects.toThrow();
			expect(sim.stats().creates).toBe(1);
			expect(sim.tasks.size).toBe(1);
		});

		it('delayAfterCreate: a client timing out still leaves one task behind', async () => {
			// The answer is held a minute; the client gives up once the task exists (not after a time
			// in which a loaded machine may not even have sent the request, which a later test then meets).
			sim.addFault({ route: 'create', kind: 'delayAfterCreate', ms: 60_000 });
			const client = new AbortController();
			const posted = postCreate(sim, { signal: client.signal });
			await waitFor(() => sim.stats().creates === 1);
			client.abort();
			await expect(posted).rejects.toThrow();
			expect(sim.stats().creates).toBe(1);
			expect(sim.tasks.size).toBe(1);
		});

		it('status: answers the given status and headers `times` times, without creating tasks', async () => {
			sim.addFault({
				route: 'create',
				kind: 'status',
				status: 503,
				times: 2,
				headers: { 'retry-after': '2' },
			});
			const first = await postCreate(sim);
			expect(first.status).toBe(503);
			expect(first.headers.get('retry-after')).toBe('2');
			expect(await first.json()).toEqual({ message: 'Service Unavailable' });
			expect((await postCreate(sim)).status).toBe(503);
			expect((await postCreate(sim)).status).toBe(200);
			expect(sim.stats()).toMatchObject({ creates: 1, faultsApplied: 2 });
		});

		it('status with a custom body', async () => {
			sim.addFault({
				route: 'create',
				kind: 'status',
				status: 429,
				body: { message: 'Too many requests' },
			});
			const res = await postCreate(sim);
			expect(res.status).toBe(429);
			expect(await res.json()).toEqual({ message: 'Too many requests' });
		});

		it('html: a 502 HTML error page', async () => {
			sim.addFault({ route: 'create', kind: 'html' });
			const res = await postCreate(sim);
			expect(res.status).toBe(502);
			expect(res.headers.get('content-type')).toContain('text/html');
			expect(await res.text()).toContain('<h1>502 Bad Gateway</h1>');
		});

		it('malformed: 200 with truncated JSON (the task was created)', async () => {
			sim.addFault({ route: 'create', kind: 'malformed' });
			const res = await postCreate(sim);
			expect(res.status).toBe(200);
			const text = await res.text();
			expect(text).toBe('{"data": {"task_');
			expect(() => JSON.parse(text)).toThrow();
			expect(sim.stats().creates).toBe(1);
		});

		it('noTaskId: 200 {"data":{}}', async () => {
			sim.addFault({ route: 'create', kind: 'noTaskId' });
			expect(await (await postCreate(sim)).json()).toEqual({ data: {} });
		});
	});

	describe('get and list', () => {
		it('unknownStatus, delay and taskId-scoped faults', async () => {
			const a = (await createTask(sim, { description: 'a', audio: audio() })).json.data.task_id;
			const b = (await createTask(sim, { description: 'b', audio: audio() })).json.data.task_id;
			sim.addFault({ route: 'get', kind: 'unknownStatus', taskId: b });
			expect((await getTask(sim, a)).data.status).toBe('COMPLETED');
			expect((await getTask(sim, b)).data.status).toBe('QUEUED');
			// A delayed answer is still pending when a later request has been answered (order, not a stopwatch).
			sim.addFault({ route: 'get', kind: 'delay', ms: 1500 });
			const delayed = getTask(sim, a);
			const gets = () => sim.requestsTo('get');
			await waitFor(() => gets().length === 3);
			expect((await api(sim, API_PATH)).status).toBe(200);
			expect(gets()[2]).toMatchObject({ fault: 'delay', status: null });
			expect((await delayed).data.status).toBe('COMPLETED');
			expect(gets()[2].status).toBe(200);
		});

		it('a request held by a delay across reset() is dropped and takes no fault armed after the reset', async () => {
			sim.addFault({ route: 'list', kind: 'delay', ms: 300 });
			const held = api(sim, API_PATH);
			await waitFor(() => sim.requestsTo('list').length === 1);
			sim.reset();
			sim.addFault({ route: 'list', kind: 'malformed' });
			await expect(held).rejects.toThrow();
			expect(sim.faults()).toEqual([expect.objectContaining({ kind: 'malformed', applied: 0 })]);
			const next = await api(sim, API_PATH);
			expect(next.status).toBe(200);
			const body = await next.text();
			expect(() => JSON.parse(body)).toThrow();
		});

		it('times: Infinity stays armed until cleared', async () => {
			const id = sim.addFault({ route: 'list', kind: 'status', status: 500, times: Infinity });
			for (let i = 0; i < 3; i++) expect((await api(sim, API_PATH)).status).toBe(500);
			expect(sim.faults()).toEqual([
				expect.objectContaining({ id, remaining: 'Infinity', applied: 3 }),
			]);
			sim.clearFaults(id);
			expect((await api(sim, API_PATH)).status).toBe(200);
		});

		it('redirect: 302 to the file origin, where a naive client leaks the key', async () => {
			sim.addFault({ route: 'list', kind: 'redirect', times: 2 });
			const manual = await api(sim, API_PATH, { redirect: 'manual' });
			expect(manual.status).toBe(302);
			expect(manual.headers.get('location')).toBe(`${sim.fileUrl}/redirect-target`);
			expect(sim.requestsTo('other')).toHaveLength(0);
			await api(sim, API_PATH); // fetch follows redirects and keeps custom headers
			const leaked = sim.requests.filter((r) => r.server === 'file');
			expect(leaked).toHaveLength(1);
			expect(leaked[0].headers['x-freepik-api-key']).toBe(sim.apiKey);
		});

		it('rejects invalid fault specs', () => {
			expect(() => sim.addFault({ route: 'create', kind: 'expire' })).toThrow(TypeError);
			expect(() => sim.addFault({ route: 'nope', kind: 'reset' } as never)).toThrow(TypeError);
			expect(() => sim.addFault({ route: 'get', kind: 'status' } as never)).toThrow(TypeError);
			expect(() => sim.addFault({ route: 'get', kind: 'reset', times: 0 })).toThrow(TypeError);
		});
	});

	describe('download', () => {
		it('expire: 403, then the next GET re-signs and the fresh URL works while the old one stays dead', async () => {
			const task = await completedTask(sim);
			sim.addFault({ route: 'download', kind: 'expire' });
			const expired = await fetch(task.generated[0]);
			expect(expired.status).toBe(403);
			expect(await expired.text()).toContain('AccessDenied');
			const fresh = (await getTask(sim, task.task_id)).data.generated[0];
			expect(fresh).not.toBe(task.generated[0]);
			expect((await fetch(fresh)).status).toBe(200);
			expect((await fetch(task.generated[0])).status).toBe(403);
		});

		it('notFound: 404', async () => {
			const task = await completedTask(sim);
			sim.addFault({ route: 'download', kind: 'notFound' });
			expect((await fetch(task.generated[0])).status).toBe(404);
			expect((await fetch(task.generated[0])).status).toBe(200);
		});

		it('truncate: full Content-Length, body cut short', async () => {
			const task = await completedTask(sim, '[sim:bytes=1000000]');
			sim.addFault({ route: 'download', kind: 'truncate' });
			const res = await fetch(task.generated[0]);
			expect(res.status).toBe(200);
			expect(Number(res.headers.get('content-length'))).toBe(wavFileSize(1_000_000));
			await expect(res.arrayBuffer()).rejects.toThrow();
			expect(sim.requestsTo('download')[0]).toMatchObject({ fault: 'truncate', completed: false });
		});

		it('reset and status apply to downloads too', async () => {
			const task = await completedTask(sim);
			sim.addFault({ route: 'download', kind: 'reset' });
			await expect(fetch(task.generated[0])).rejects.toThrow();
			sim.addFault({ route: 'download', kind: 'status', status: 500 });
			expect((await fetch(task.generated[0])).status).toBe(500);
		});
	});
});
