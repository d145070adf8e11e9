import { createHash, randomBytes } from 'crypto';
import { createSimulator, Simulator } from '../../simulator';
import { API_PATH, UUID_V4, advanceTask, api, audio, createTask, getTask, sleep } from './helpers';

describe('simulator API server', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await createSimulator({ taskDurationMs: 200 });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset({ options: true }));

	describe('authentication', () => {
		it('answers 401 "Missing API key" without the header', async () => {
			const res = await fetch(`${sim.apiUrl}${API_PATH}`);
			expect(res.status).toBe(401);
			expect(await res.json()).toEqual({ message: 'Missing API key' });
		});

		it('answers 401 "Invalid API key" with a wrong key, on every route', async () => {
			for (const [method, path] of [
				['GET', API_PATH],
				['GET', `${API_PATH}/x`],
				['POST', API_PATH],
			]) {
				const res = await fetch(`${sim.apiUrl}${path}`, {
					method,
					headers: { 'x-freepik-api-key': 'nope' },
					body: method === 'POST' ? '{}' : undefined,
				});
				expect(res.status).toBe(401);
				expect(await res.json()).toEqual({ message: 'Invalid API key' });
			}
			expect(sim.stats().creates).toBe(0);
		});

		it('accepts the valid key on the list route (the credential test)', async () => {
			const res = await api(sim, API_PATH);
			expect(res.status).toBe(200);
			expect(await res.json()).toEqual({ data: [] });
		});

		it('reads the key only from the configured header (keyHeader: as api.magnific.com)', async () => {
			const list = (headers: Record<string, string>) =>
				fetch(`${sim.apiUrl}${API_PATH}`, { headers });
			sim.configure({ keyHeader: 'x-magnific-api-key' });
			expect((await list({ 'x-magnific-api-key': sim.apiKey })).status).toBe(200);
			const freepikHeader = await list({ 'x-freepik-api-key': sim.apiKey });
			expect(freepikHeader.status).toBe(401);
			expect(await freepikHeader.json()).toEqual({ message: 'Missing API key' });
			sim.reset({ options: true });
			expect((await list({ 'x-magnific-api-key': sim.apiKey })).status).toBe(401);
			expect((await list({ 'x-freepik-api-key': sim.apiKey })).status).toBe(200);
		});
	});

	describe('create validation', () => {
		const video = 'https://example.com/clip.mp4';
		const cases: Array<[string, unknown, string]> = [
			['missing description', { audio: audio() }, 'description'],
			['empty description', { description: '', audio: audio() }, 'description'],
			[
				'description over 2500 characters',
				{ description: 'a'.repeat(2501), audio: audio() },
				'description',
			],
			['non-string description', { description: 5, audio: audio() }, 'description'],
			['neither audio nor video', { description: 'x' }, 'audio'],
			['both audio and video', { description: 'x', audio: audio(), video }, 'video'],
			['http (not https) URL', { description: 'x', audio: 'http://example.com/a.wav' }, 'audio'],
			[
				'data: URI instead of bare base64',
				{ description: 'x', audio: `data:audio/wav;base64,${audio()}` },
				'audio',
			],
			['empty audio', { description: 'x', audio: '' }, 'audio'],
			['base64 with bad length', { description: 'x', audio: 'abcde' }, 'audio'],
			['non-string audio', { description: 'x', audio: 12 }, 'audio'],
			['box field with audio', { description: 'x', audio: audio(), x1: 1 }, 'x1'],
			['negative box field', { description: 'x', video, x2: -1 }, 'x2'],
			['fractional box field', { description: 'x', video, y1: 1.5 }, 'y1'],
			['sample_fps out of range', { description: 'x', video, sample_fps: 6 }, 'sample_fps'],
			['fractional sample_fps', { description: 'x', video, sample_fps: 2.5 }, 'sample_fps'],
			['sample_fps with audio', { description: 'x', audio: audio(), sample_fps: 2 }, 'sample_fps'],
			[
				'reranking_candidates 0',
				{ description: 'x', audio: audio(), reranking_candidates: 0 },
				'reranking_candidates',
			],
			[
				'reranking_candidates 9',
				{ description: 'x', audio: audio(), reranking_candidates: 9 },
				'reranking_candidates',
			],
			[
				'non-boolean predict_spans',
				{ description: 'x', audio: audio(), predict_spans: 'yes' },
				'predict_spans',
			],
			[
				'webhook_url not a URI',
				{ description: 'x', audio: audio(), webhook_url: 'not a url' },
				'webhook_url',
			],
			['unknown field', { description: 'x', audio: audio(), model: 'v2' }, 'model'],
			['array body', [], 'body'],
		];

		it.each(cases)('rejects %s with 400 naming the field', async (_name, body, field) => {
			const res = await api(sim, API_PATH, { method: 'POST', body: JSON.stringify(body) });
			expect(res.status).toBe(400);
			const json = (await res.json()) as any;
			expect(json.message).toBe('Invalid request');
			expect(json.invalid_params.map((p: { name: string }) => p.name)).toContain(field);
			expect(sim.stats().creates).toBe(0);
		});

		it('answers the problem+json form of the error schema when asked to', async () => {
			sim.configure({ problemErrors: true });
			const body = { description: 'x', video: 'https://example.com/clip.mp4', sample_fps: 2.5 };
			const res = await api(sim, API_PATH, { method: 'POST', body: JSON.stringify(body) });
			expect(res.status).toBe(400);
			expect(res.headers.get('content-type')).toBe('application/problem+json');
			expect(await res.json()).toEqual({
				problem: {
					message: 'Invalid request',
					invalid_params: [{ name: 'sample_fps', reason: 'must be an integer between 1 and 5' }],
				},
			});
		});

		it('rejects invalid JSON', async () => {
			const res = await api(sim, API_PATH, { method: 'POST', body: '{"description": ' });
			expect(res.status).toBe(400);
			expect(sim.requestsTo('create')[0].body).toEqual({ invalidJson: true });
		});

		it('accepts a full video request and answers CREATED with a uuid v4', async () => {
			const { res, json } = await createTask(sim, {
				description: 'A dog barking',
				video,
				x1: 0,
				y1: 0,
				x2: 640,
				y2: 480,
				sample_fps: 5,
				reranking_candidates: 8,
				predict_spans: true,
				webhook_url: 'http://127.0.0.1:9/hook',
			});
			expect(res.status).toBe(200);
			expect(json.data.status).toBe('CREATED');
			expect(json.data.generated).toEqual([]);
			expect(json.data.task_id).toMatch(UUID_V4);
			const recorded = sim.requestsTo('create')[0];
			expect(recorded.input).toEqual({
				field: 'video',
				kind: 'url',
				length: video.length,
				url: video,
			});
			expect(recorded.body).toMatchObject({ description: 'A dog barking', x2: 640, sample_fps: 5 });
		});
	});

	describe('task lifecycle', () => {
		it('goes CREATED -> IN_PROGRESS -> COMPLETED with signed URLs on the file origin', async () => {
			// An hour: each phase is entered by advanceTask, not by hoping a request comes in time.
			sim.configure({ taskDurationMs: 3_600_000 });
			const { json } = await createTask(sim, { description: 'voice', audio: audio() });
			const id = json.data.task_id;
			const task = sim.tasks.get(id)!;
			expect(task.inProgressAt - task.createdAt).toBe(360_000); // a tenth of the duration
			expect(task.doneAt! - task.createdAt).toBe(3_600_000);
			expect((await getTask(sim, id)).data).toEqual({
				task_id: id,
				status: 'CREATED',
				generated: [],
			});
			advanceTask(sim, id, 'IN_PROGRESS');
			expect((await getTask(sim, id)).data.status).toBe('IN_PROGRESS');
			advanceTask(sim, id, 'COMPLETED');
			const done = (await getTask(sim, id)).data;
			expect(done.status).toBe('COMPLETED');
			expect(done.generated).toHaveLength(1);
			const url = new URL(done.generated[0]);
			expect(url.origin).toBe(sim.fileUrl);
			expect(url.origin).not.toBe(new URL(sim.apiUrl).origin);
			expect(url.pathname).toBe(`/files/${id}/0.wav`);
			expect(Number(url.searchParams.get('expires'))).toBeGreaterThan(Date.now());
			expect(url.searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);
		});

		it('ends FAILED with no results for [sim:fail] and for the failTasks predicate', async () => {
			sim.configure({
				taskDurationMs: 0,
				failTasks: (body) => String(body.description).includes('boom'),
			});
			const a = (await createTask(sim, { description: 'x [sim:fail]', audio: audio() })).json.data
				.task_id;
			const b = (await createTask(sim, { description: 'boom', audio: audio() })).json.data.task_id;
			const c = (await createTask(sim, { description: 'fine', audio: audio() })).json.data.task_id;
			expect((await getTask(sim, a)).data).toEqual({ task_id: a, status: 'FAILED', generated: [] });
			expect((await getTask(sim, b)).data.status).toBe('FAILED');
			expect((await getTask(sim, c)).data.status).toBe('COMPLETED');
		});

		it('honours [sim:results=N], [sim:duration=N], [sim:never] and [sim:status=X]', async () => {
			const two = (
				await createTask(sim, { description: '[sim:results=2][sim:duration=0]', audio: audio() })
			).json.data.task_id;
			const never = (
				await createTask(sim, { description: '[sim:never][sim:duration=0]', audio: audio() })
			).json.data.task_id;
			const weird = (
				await createTask(sim, { description: '[sim:status=WEIRD][sim:duration=0]', audio: audio() })
			).json.data.task_id;
			await sleep(20);
			const twoView = (await getTask(sim, two)).data;
			expect(twoView.status).toBe('COMPLETED');
			expect(twoView.generated.map((u) => new URL(u).pathname)).toEqual([
				`/files/${two}/0.wav`,
				`/files/${two}/1.wav`,
			]);
			expect((await getTask(sim, never)).data.status).toBe('IN_PROGRESS');
			expect((await getTask(sim, weird)).data).toEqual({
				task_id: weird,
				status: 'WEIRD',
				generated: [],
			});
		});

		it('accepts taskDurationMs and unknownStatus as functions of (body, index)', async () => {
			sim.configure({
				taskDurationMs: (_body, index) => (index === 1 ? 60_000 : 0),
				unknownStatus: (body) => (String(body.description) === 'queued' ? 'QUEUED' : undefined),
			});
			const first = (await createTask(sim, { description: 'a', audio: audio() })).json.data.task_id;
			const second = (await createTask(sim, { description: 'b', audio: audio() })).json.data
				.task_id;
			const third = (await createTask(sim, { description: 'queued', audio: audio() })).json.data
				.task_id;
			await sleep(10);
			expect((await getTask(sim, first)).data.status).toBe('COMPLETED');
			expect((await getTask(sim, second)).data.status).not.toBe('COMPLETED');
			expect((await getTask(sim, third)).data.status).toBe('QUEUED');
		});

		it('lists tasks newest first and 404s an unknown id', async () => {
			const ids: string[] = [];
			for (let i = 0; i < 3; i++)
				ids.push(
					(await createTask(sim, { description: `t${i}`, audio: audio() })).json.data.task_id,
				);
			const list = (await (await api(sim, API_PATH)).json()) as any;
			expect(list.data.map((t: { task_id: string }) => t.task_id)).toEqual(ids.reverse());
			// As the docs' list example: task_id and status only; generated only on request.
			expect(Object.keys(list.data[0]).sort()).toEqual(['status', 'task_id']);
			sim.configure({ listGenerated: true });
			const rich = (await (await api(sim, API_PATH)).json()) as any;
			expect(Object.keys(rich.data[0]).sort()).toEqual(['generated', 'status', 'task_id']);
			const missing = await api(sim, `${API_PATH}/00000000-0000-4000-8000-000000000000`);
			expect(missing.status).toBe(404);
			expect(await missing.json()).toEqual({ message: 'Not found' });
			expect(sim.stats()).toMatchObject({ creates: 3, lists: 2, gets: 1 });
		});
	});

	describe('large bodies', () => {
		it('streams a 12 MB base64 upload and records its decoded sha256 and size, not the string', async () => {
			const file = randomBytes(12 * 1024 * 1024);
			const { res, json } = await createTask(sim, {
				description: 'big',
				audio: file.toString('base64'),
				predict_spans: true,
			});
			expect(res.status).toBe(200);
			const sha256 = createHash('sha256').update(file).digest('hex');
			const recorded = sim.requestsTo('create')[0];
			expect(recorded.input).toMatchObject({
				field: 'audio',
				kind: 'base64',
				bytes: file.length,
				sha256,
			});
			expect(recorded.body).toEqual({
				description: 'big',
				predict_spans: true,
				audioLength: Math.ceil(file.length / 3) * 4,
				audioBytes: file.length,
				audioSha256: sha256,
			});
			expect(sim.tasks.get(json.data.task_id)?.input).toMatchObject({ sha256, bytes: file.length });
		}, 300_000); // bounded work (12 MB generated, encoded, sent, hashed), slow on busy cores

		it('rejects invalid base64 inside a large body', async () => {
			const bad = `${'A'.repeat(200_000)}!${'A'.repeat(3)}`;
			const res = await api(sim, API_PATH, {
				method: 'POST',
				body: JSON.stringify({ description: 'x', audio: bad }),
			});
			expect(res.status).toBe(400);
			expect(((await res.json()) as any).invalid_params[0].name).toBe('audio');
		});

		it('answers 413 above maxBodyBytes', async () => {
			sim.configure({ maxBodyBytes: 1024 });
			const res = await api(sim, API_PATH, {
				method: 'POST',
				body: JSON.stringify({ description: 'x', audio: audio('y'.repeat(2000)) }),
			});
			expect(res.status).toBe(413);
			expect(sim.stats().creates).toBe(0);
		});
	});
});
