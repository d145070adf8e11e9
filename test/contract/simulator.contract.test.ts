/** The simulator answers as Freepik's published examples (fixtures/*.json) show. */
import { createSimulator, signWebhook, type Simulator } from '../../simulator';
import { API_PATH, api, UUID_V4, waitFor } from '../simulator/helpers';
import { allFixtures, fixtures, shapeOf } from './fixtures';

const { isolate, isolateVideo, getTask, listTasks, errors, webhook } = fixtures;

let sim: Simulator;
beforeAll(async () => (sim = await createSimulator({ taskDurationMs: 100 })));
afterAll(async () => await sim.close());
beforeEach(() => sim.reset({ options: true }));

const post = async (body: unknown, headers: Record<string, string> = {}) => {
	const res = await api(sim, API_PATH, { method: 'POST', body: JSON.stringify(body), headers });
	return { res, json: (await res.json()) as any };
};

it('every fixture names the docs page it came from and whether a stored copy was used', () => {
	for (const [name, fixture] of allFixtures) {
		expect([name, fixture.source.url]).toEqual([
			name,
			expect.stringMatching(/^https:\/\/docs\.freepik\.com\//),
		]);
		expect(typeof fixture.source.storedCopy).toBe('boolean');
	}
});

describe('create', () => {
	it("answers the docs' audio request like the docs' example answer", async () => {
		const { res, json } = await post(isolate.request);
		expect(res.status).toBe(isolate.response.status);
		expect(shapeOf(json)).toEqual(shapeOf(isolate.response.body));
		expect(json.data.status).toBe(isolate.response.body.data.status);
		expect(json.data.generated).toEqual([]);
		expect(json.data.task_id).toMatch(UUID_V4);
	});

	it("accepts the docs' video request and the all-zero (full frame) box", async () => {
		expect((await post(isolateVideo.request)).res.status).toBe(200);
		const fullFrame = { ...isolateVideo.request, ...isolateVideo.fullFrame };
		expect((await post(fullFrame)).res.status).toBe(200);
	});
});

it("answers a task like the docs' example, only ever with a documented status", async () => {
	const { json } = await post(isolate.request);
	const id = json.data.task_id as string;
	const seen = new Set<string>();
	const done = await waitFor(async () => {
		const body = (await (await api(sim, `${API_PATH}/${id}`)).json()) as any;
		seen.add(body.data.status);
		return body.data.status === 'COMPLETED' && body;
	});
	expect(shapeOf(done)).toEqual(shapeOf(getTask.response.body));
	for (const status of seen) expect(getTask.statuses).toContain(status);
});

it("lists tasks with exactly the fields of the docs' example items", async () => {
	await post(isolate.request);
	await post(isolate.request);
	const body = (await (await api(sim, API_PATH)).json()) as any;
	expect(shapeOf(body)).toEqual(shapeOf(listTasks.response.body));
	for (const item of body.data)
		expect(Object.keys(item).sort()).toEqual(Object.keys(listTasks.response.body.data[0]).sort());
});

describe('errors', () => {
	it('answers a wrong and a missing key as the docs do', async () => {
		const wrong = await post(isolate.request, { 'x-freepik-api-key': 'not-the-key' });
		expect([wrong.res.status, wrong.json]).toEqual([
			errors.invalidKey.status,
			errors.invalidKey.body,
		]);
		const res = await fetch(`${sim.apiUrl}${API_PATH}`);
		expect([res.status, await res.json()]).toEqual([
			errors.missingKey.status,
			errors.missingKey.body,
		]);
	});

	it('refuses a fractional sample_fps in both documented forms of a 400', async () => {
		const body = { ...isolateVideo.request, sample_fps: 2.5 };
		const flat = await post(body);
		expect(flat.res.status).toBe(errors.badRequest.status);
		expect(shapeOf(flat.json)).toEqual(shapeOf(errors.badRequest.body));
		expect(flat.json.invalid_params).toEqual(errors.badRequest.body.invalid_params);

		sim.configure({ problemErrors: true });
		const problem = await post(body);
		expect(problem.res.status).toBe(errors.problem.status);
		expect(problem.res.headers.get('content-type')).toBe(errors.problem.contentType);
		expect(shapeOf(problem.json)).toEqual(shapeOf(errors.problem.body));
		expect(problem.json.problem.invalid_params).toEqual(errors.problem.body.problem.invalid_params);
	});

	it('answers a rate-limited call with the documented 429 body', async () => {
		sim.configure({ rateLimit: { burstPerSecond: 1, averagePerSecond: 1 } });
		let last: Response | undefined;
		for (let i = 0; i < 5 && last?.status !== 429; i++) last = await api(sim, API_PATH);
		expect([last!.status, await last!.json()]).toEqual([
			errors.rateLimited.status,
			errors.rateLimited.body,
		]);
	});
});

describe('webhooks', () => {
	const { webhookId: id, timestamp, body, secrets, samples } = webhook;
	const sign = (secret: string) => signWebhook({ id, timestamp: Number(timestamp), body, secret });

	it("signs the docs' sample exactly as the fixture's independent signature", () => {
		expect(sign(secrets.current)).toBe(samples.utf8);
		expect(sign(secrets.whsec)).toBe(samples.whsecDecoded);
	});

	it("sends the task without the data wrapper, like the docs' payload", async () => {
		sim.configure({ dropWebhooks: true }); // recorded, not sent
		await post({ ...isolate.request, webhook_url: 'http://127.0.0.1:9/hook' });
		await waitFor(() => sim.webhookDeliveries.some((d) => d.event === 'COMPLETED'));
		const completed = sim.webhookDeliveries.find((d) => d.event === 'COMPLETED')!;
		expect(shapeOf(JSON.parse(completed.body))).toEqual(shapeOf(JSON.parse(body)));
	});
});
