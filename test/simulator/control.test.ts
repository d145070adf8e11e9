import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import http from 'http';
import { AddressInfo } from 'net';
import path from 'path';
import { createSimulator, describeWav, Simulator } from '../../simulator';
import { API_PATH, HANG_GUARD_MS, audio, waitFor } from './helpers';

async function control(base: string, method: string, route: string, body?: unknown) {
	const res = await fetch(`${base}/__sim/${route}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as any };
}

async function freepik(base: string, key: string, method: string, route: string, body?: unknown) {
	const res = await fetch(`${base}${route}`, {
		method,
		headers: { 'x-freepik-api-key': key, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as any };
}

describe('control API (/__sim/)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await createSimulator({ taskDurationMs: 60_000 });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset({ options: true }));

	it('configures, inspects and resets the simulator without auth, and is not recorded', async () => {
		const config = await control(sim.apiUrl, 'POST', 'config', {
			taskDurationMs: 0,
			resultCount: 2,
		});
		expect(config.status).toBe(200);
		expect(config.json).toMatchObject({
			taskDurationMs: 0,
			resultCount: 2,
			apiKey: 'sim-test-key',
		});
		const created = await freepik(sim.apiUrl, sim.apiKey, 'POST', API_PATH, {
			description: 'x',
			audio: audio(),
		});
		const id = created.json.data.task_id;
		await freepik(sim.apiUrl, sim.apiKey, 'GET', `${API_PATH}/${id}`);

		const tasks = await control(sim.apiUrl, 'GET', 'tasks');
		expect(tasks.json).toHaveLength(1);
		expect(tasks.json[0]).toMatchObject({
			id,
			input: { field: 'audio', kind: 'base64' },
			view: { status: 'COMPLETED' },
		});
		expect(tasks.json[0].view.generated).toHaveLength(2);

		const requests = await control(sim.apiUrl, 'GET', 'requests?route=create');
		expect(requests.json).toHaveLength(1);
		expect(requests.json[0]).toMatchObject({ method: 'POST', status: 200, taskId: id });
		expect((await control(sim.apiUrl, 'GET', 'requests')).json).toHaveLength(2);

		expect((await control(sim.apiUrl, 'GET', 'stats')).json).toMatchObject({
			creates: 1,
			gets: 1,
			lists: 0,
		});

		expect((await control(sim.apiUrl, 'POST', 'reset')).status).toBe(200);
		expect((await control(sim.apiUrl, 'GET', 'stats')).json).toMatchObject({
			creates: 0,
			gets: 0,
			tasks: 0,
		});
		expect(sim.options.taskDurationMs).toBe(0); // reset keeps run-time config...
		await control(sim.apiUrl, 'POST', 'reset', { options: true });
		expect(sim.options.taskDurationMs).toBe(60_000); // ...unless asked to restore it
	});

	it('arms faults and rejects bad ones with 400', async () => {
		const armed = await control(sim.apiUrl, 'POST', 'faults', {
			route: 'create',
			kind: 'status',
			status: 503,
			times: 'Infinity',
		});
		expect(armed.json.id).toEqual(expect.any(Number));
		for (let i = 0; i < 2; i++) {
			expect(
				(
					await freepik(sim.apiUrl, sim.apiKey, 'POST', API_PATH, {
						description: 'x',
						audio: audio(),
					})
				).status,
			).toBe(503);
		}
		expect((await control(sim.apiUrl, 'GET', 'faults')).json).toEqual([
			expect.objectContaining({ applied: 2, remaining: 'Infinity' }),
		]);
		await control(sim.apiUrl, 'DELETE', 'faults');
		expect(
			(
				await freepik(sim.apiUrl, sim.apiKey, 'POST', API_PATH, {
					description: 'x',
					audio: audio(),
				})
			).status,
		).toBe(200);
		expect(
			(await control(sim.apiUrl, 'POST', 'faults', { route: 'create', kind: 'bogus' })).status,
		).toBe(400);
		expect((await control(sim.apiUrl, 'POST', 'config', { nope: 1 })).status).toBe(400);
		expect((await control(sim.apiUrl, 'GET', 'unknown')).status).toBe(404);
	});

	it('switches rate limiting on at run time', async () => {
		await control(sim.apiUrl, 'POST', 'config', {
			rateLimit: { burstPerSecond: 1, averagePerSecond: 1 },
		});
		expect((await freepik(sim.apiUrl, sim.apiKey, 'GET', API_PATH)).status).toBe(200);
		expect((await freepik(sim.apiUrl, sim.apiKey, 'GET', API_PATH)).status).toBe(429);
		expect((await control(sim.apiUrl, 'GET', 'stats')).json.rateLimited).toBe(1);
	});

	it('sends webhooks on demand and lists deliveries', async () => {
		const hits: string[] = [];
		const target = http.createServer((req, res) => {
			hits.push(String(req.headers['webhook-signature']));
			req.resume();
			res.statusCode = hits.length === 1 ? 200 : 401;
			res.end();
		});
		await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
			const task = { task_id: 'x', status: 'COMPLETED', generated: [] };
			expect((await control(sim.apiUrl, 'POST', 'webhook', { url, task })).json.status).toBe(200);
			const forged = await control(sim.apiUrl, 'POST', 'webhook', {
				url,
				task,
				signatureOverride: 'v1,forged',
			});
			expect(forged.json.status).toBe(401);
			expect(hits[1]).toBe('v1,forged');
			expect((await control(sim.apiUrl, 'POST', 'webhook', { task })).status).toBe(400);

			await control(sim.apiUrl, 'POST', 'config', { taskDurationMs: 0 });
			await freepik(sim.apiUrl, sim.apiKey, 'POST', API_PATH, {
				description: '[sim:never]',
				audio: audio(),
				webhook_url: url,
			});
			const deliveries = await waitFor(async () => {
				const list = (await control(sim.apiUrl, 'GET', 'webhooks')).json;
				return list.length === 2 ? list : null;
			});
			expect(deliveries.map((d: { event: string }) => d.event)).toEqual(['CREATED', 'IN_PROGRESS']);
		} finally {
			await new Promise((resolve) => target.close(resolve));
		}
	});
});

describe('cli.js', () => {
	let child: ChildProcessWithoutNullStreams | undefined;
	afterEach(() => {
		if (child && child.exitCode === null) child.kill('SIGKILL');
	});

	it('prints one JSON line, serves the API and exits 0 on SIGTERM', async () => {
		child = spawn(
			process.execPath,
			[
				path.join(__dirname, '../../simulator/cli.js'),
				'--api-key',
				'cli-key',
				'--task-duration-ms',
				'0',
				'--result-bytes',
				'1000',
			],
			{
				stdio: ['pipe', 'pipe', 'pipe'],
			},
		);
		const proc = child;
		const line = await new Promise<string>((resolve, reject) => {
			let out = '';
			const timer = setTimeout(
				() => reject(new Error(`no output from cli.js within ${HANG_GUARD_MS} ms`)),
				HANG_GUARD_MS,
			);
			proc.stdout.on('data', (chunk) => {
				out += chunk;
				if (out.includes('\n')) {
					clearTimeout(timer);
					resolve(out.slice(0, out.indexOf('\n')));
				}
			});
			proc.on('exit', (code) => reject(new Error(`cli.js exited early with ${code}`)));
		});
		const info = JSON.parse(line);
		expect(info).toEqual({
			apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			fileUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			apiKey: 'cli-key',
		});

		const created = await freepik(info.apiUrl, 'cli-key', 'POST', API_PATH, {
			description: 'x',
			audio: audio(),
		});
		const task = (
			await freepik(info.apiUrl, 'cli-key', 'GET', `${API_PATH}/${created.json.data.task_id}`)
		).json.data;
		expect(task.status).toBe('COMPLETED');
		const wav = Buffer.from(await (await fetch(task.generated[0])).arrayBuffer());
		expect(wav.length).toBe(1000);
		expect(describeWav(wav)?.sampleRate).toBe(16000);

		const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
		proc.kill('SIGTERM');
		expect(await exit).toBe(0);
	});

	it('exits 2 on an unknown flag', async () => {
		child = spawn(process.execPath, [path.join(__dirname, '../../simulator/cli.js'), '--nope']);
		const proc = child;
		const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
		expect(code).toBe(2);
	});
});
