/**
 * The Freepik node sends the docs' example requests and reads the docs' example answers
 * (fixtures/*.json): the requests go to the simulator and are compared with the fixtures; the
 * answers are the fixtures themselves, served by the simulator as they are.
 */
import type { Simulator } from '../../simulator';
import { isolateFromUrl, runFreepik, startSimulator, useTuning } from '../helpers/freepik';
import { errorOf } from '../nodes/Freepik/utils';
import { fixtures } from './fixtures';

const { isolate, isolateVideo, getTask, listTasks, errors } = fixtures;

let sim: Simulator;
let restoreTuning: () => void;
beforeAll(async () => {
	sim = await startSimulator();
	// 429 and 503 are retried: the waits between tries are skipped, not waited out.
	restoreTuning = useTuning({ client: { sleep: async () => undefined } });
});
afterAll(async () => {
	restoreTuning();
	await sim.close();
});
beforeEach(() => sim.reset({ options: true }));

/** The next call on `route` answers the fixture's status and body, as Freepik would. */
const answerWith = (
	route: 'create' | 'get' | 'list',
	answer: { status: number; body: object; contentType?: string },
) =>
	sim.addFault({
		route,
		kind: 'status',
		status: answer.status,
		body: answer.body,
		headers: answer.contentType ? { 'content-type': answer.contentType } : undefined,
		times: 'Infinity',
	});

const submitOnly = (extra: Record<string, unknown>) =>
	isolateFromUrl({ waitForCompletion: false, ...extra });

describe('requests', () => {
	it("sends the docs' audio request exactly", async () => {
		const { request } = isolate;
		const { error } = await runFreepik(
			sim,
			submitOnly({ description: request.description, url: request.audio }),
		);
		expect(error).toBeUndefined();
		expect(sim.requestsTo('create')[0].body).toEqual(request);
	});

	it("sends the docs' video request exactly, and nothing for the full-frame box", async () => {
		const { request, fullFrame } = isolateVideo;
		const { x1, y1, x2, y2, sample_fps: sampleFps } = request;
		const video = { description: request.description, inputType: 'video', url: request.video };
		await runFreepik(sim, submitOnly({ ...video, options: { x1, y1, x2, y2, sampleFps } }));
		await runFreepik(sim, submitOnly({ ...video, options: fullFrame }));
		const [boxed, full] = sim.requestsTo('create').map((r) => r.body);
		expect(boxed).toEqual(request);
		expect(full).toEqual({ description: request.description, video: request.video });
	});
});

describe('answers', () => {
	it("reads the docs' create answer", async () => {
		answerWith('create', isolate.response);
		const { items, error } = await runFreepik(sim, submitOnly({}));
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject(isolate.response.body.data);
	});

	it("reads the docs' task answer", async () => {
		answerWith('get', getTask.response);
		const { data } = getTask.response.body;
		const { items, error } = await runFreepik(sim, {
			operation: 'get',
			taskId: data.task_id,
			downloadResult: false,
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject(data);
	});

	it("outputs the docs' list items as they are, assuming no generated", async () => {
		answerWith('list', listTasks.response);
		const { items, error } = await runFreepik(sim, { operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual(listTasks.response.body.data);
	});
});

describe('error answers', () => {
	it.each([
		['a wrong key', errors.invalidKey],
		['a missing key', errors.missingKey],
		['an outage', errors.unavailable],
		// A 429 pauses the shared rate limiter in real time: the fault-matrix suites cover it.
	])("carries Freepik's message for %s", async (_label, answer) => {
		answerWith('list', answer);
		const error = errorOf(await runFreepik(sim, { operation: 'getAll', returnAll: true }));
		expect(error.httpCode).toBe(String(answer.status));
		expect(error.message).toContain(answer.body.message);
	});

	it.each([
		['flat', errors.badRequest, errors.badRequest.body],
		['problem+json', errors.problem, errors.problem.body.problem],
	])('names the refused field of a %s 400 in the message', async (_label, answer, details) => {
		answerWith('create', answer);
		const error = errorOf(await runFreepik(sim, submitOnly({})));
		expect(error.httpCode).toBe('400');
		const [param] = details.invalid_params;
		expect(error.message).toContain(details.message);
		expect(error.message).toContain(`${param.name}: ${param.reason}`);
	});
});
