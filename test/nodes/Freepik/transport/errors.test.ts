/** How Freepik's error answers reach the user: status, Freepik's own words, never the API key. */
import type { Simulator } from '../../../../simulator';
import { API_KEY, isolateFromUrl, runFreepik, startSimulator } from '../../../helpers/freepik';
import { errorOf, expectNoKeyLeak } from '../utils';

const WRONG_KEY = 'sk-wrong-9d8c7b6a5f4e3d2c';

describe('API errors', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	describe('401', () => {
		it('says the key is invalid, with httpCode 401, and never shows the key', async () => {
			const result = await runFreepik(sim, isolateFromUrl(), { apiKey: WRONG_KEY });
			const error = errorOf(result);
			expect(error.name).toBe('NodeApiError');
			expect(error.httpCode).toBe('401');
			expect(error.message).toMatch(/API key is missing or invalid/);
			expect(error.message).toContain('Invalid API key');
			expect(error.description).toMatch(/Check the API key in the Freepik API credential/);
			expectNoKeyLeak(sim, result, WRONG_KEY);
			expectNoKeyLeak(sim, result, API_KEY);
			// The wrong key really was sent (so the test is about the error, not a missing header).
			expect(sim.requestsTo('create')[0].headers['x-freepik-api-key']).toBe(WRONG_KEY);
			expect(sim.requestsTo('create')).toHaveLength(1);
			expect(sim.stats().creates).toBe(0);
		});

		it('says the key is missing when the credential has none', async () => {
			const result = await runFreepik(
				sim,
				{ operation: 'getAll', returnAll: true },
				{ apiKey: '' },
			);
			const error = errorOf(result);
			expect(error.httpCode).toBe('401');
			expect(error.message).toMatch(/API key is missing or invalid.*Missing API key/);
		});

		it('on Get names the task it was reading', async () => {
			const id = '046b6c7f-0b8a-43b9-b35d-6489e6daee91';
			const result = await runFreepik(
				sim,
				{ operation: 'get', taskId: id, waitForCompletion: false },
				{ apiKey: WRONG_KEY },
			);
			const error = errorOf(result);
			expect(error.httpCode).toBe('401');
			expect(error.message).toContain(id);
			expect(sim.requestsTo('get')).toHaveLength(1);
			expectNoKeyLeak(sim, result, WRONG_KEY);
		});

		it('does not claim a task may exist after a definite 401 or 400 rejection', async () => {
			const unauthorized = errorOf(await runFreepik(sim, isolateFromUrl(), { apiKey: WRONG_KEY }));
			expect(unauthorized.description).not.toMatch(/may have reached Freepik|second task/);
			sim.addFault({
				route: 'create',
				kind: 'status',
				status: 400,
				body: { message: 'Invalid description' },
			});
			const rejected = errorOf(await runFreepik(sim, isolateFromUrl()));
			expect(rejected.description).not.toMatch(/may have reached Freepik|second task/);
		});
	});

	describe('400', () => {
		const invalidParams = [
			{ name: 'description', reason: 'must describe a sound' },
			{ name: 'audio', reason: 'could not be downloaded' },
		];

		it("carries Freepik's message and invalid_params, and is not retried", async () => {
			sim.addFault({
				route: 'create',
				kind: 'status',
				status: 400,
				body: { message: 'Request validation failed', invalid_params: invalidParams },
			});
			const result = await runFreepik(sim, isolateFromUrl());
			const error = errorOf(result);
			expect(error.name).toBe('NodeApiError');
			expect(error.httpCode).toBe('400');
			expect(error.message).toContain(
				'Request validation failed (description: must describe a sound; audio: could not be ' +
					'downloaded)',
			);
			expect(error.description).toContain('Freepik says: Request validation failed');
			expect(error.description).toContain('description: must describe a sound');
			expect(error.description).toContain('audio: could not be downloaded');
			expect(sim.requestsTo('create')).toHaveLength(1);
			expect(sim.stats().creates).toBe(0);
			expectNoKeyLeak(sim, result);
		});

		it('reads the details from a problem+json wrapper too', async () => {
			sim.addFault({
				route: 'create',
				kind: 'status',
				status: 400,
				headers: { 'content-type': 'application/problem+json' },
				body: { problem: { message: 'Bad input', invalid_params: invalidParams } },
			});
			const error = errorOf(await runFreepik(sim, isolateFromUrl()));
			expect(error.httpCode).toBe('400');
			expect(error.message).toContain('Bad input (description: must describe a sound; audio:');
			expect(error.description).toContain('description: must describe a sound');
		});

		it('with Continue On Fail becomes an error item carrying the message', async () => {
			sim.addFault({
				route: 'create',
				kind: 'status',
				status: 400,
				body: { message: 'Request validation failed', invalid_params: invalidParams },
			});
			const { items, error } = await runFreepik(sim, isolateFromUrl(), { continueOnFail: true });
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			expect(items[0].json.error).toContain('Request validation failed');
			expect(items[0].json.errorDescription).toContain('description: must describe a sound');
			expect(items[0].json.task_id).toBeUndefined();
			expect(items[0].pairedItem).toEqual({ item: 0 });
		});
	});

	describe('the API key stays secret', () => {
		it('is redacted when an error answer echoes it back', async () => {
			sim.addFault({
				route: 'create',
				kind: 'status',
				status: 400,
				body: {
					message: `Key ${API_KEY} is not allowed here`,
					invalid_params: [{ name: 'key', reason: API_KEY }],
				},
			});
			const result = await runFreepik(sim, isolateFromUrl());
			const error = errorOf(result);
			expect(error.message).toContain('Key *** is not allowed here');
			expectNoKeyLeak(sim, result);
		});

		it('is redacted when a non-JSON error page echoes it back', async () => {
			sim.addFault({
				route: 'get',
				kind: 'status',
				status: 418,
				body: `<html>teapot for ${API_KEY}</html>`,
			});
			const result = await runFreepik(sim, {
				operation: 'get',
				taskId: 'abc',
				waitForCompletion: false,
			});
			const error = errorOf(result);
			expect(error.httpCode).toBe('418');
			expect(error.description).toContain('teapot for ***');
			expectNoKeyLeak(sim, result);
		});

		it('is not sent to another host when the API answers with a redirect', async () => {
			sim.addFault({ route: 'create', kind: 'redirect', location: `${sim.fileUrl}/collect` });
			const result = await runFreepik(sim, isolateFromUrl());
			const error = errorOf(result);
			expect(error.message).toMatch(/HTTP 30\d/);
			expect(sim.requests.filter((r) => r.server === 'file')).toHaveLength(0);
			expectNoKeyLeak(sim, result);
		});
	});
});
