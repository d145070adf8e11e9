/**
 * The API key never leaves the API host: not in output items, error messages or descriptions
 * (Continue On Fail or not), log lines, nor in any request to another host — the file host, or any
 * other loopback port an API redirect points to. The scenarios below are hostile on purpose: servers
 * that echo the key back in error pages and successful bodies, redirects away from the API, a wrong
 * key, network failures whose low-level errors carry the request headers.
 *
 * Every run of this file goes through the leak collector, and its afterAll scans everything it
 * gathered (plus every log line the harness captured and every request the simulator's file host
 * and the capture servers received) for the keys used, their base64 form and any 12-character piece.
 */
import type { Simulator } from '../../simulator';
import { API_KEY, isolateFromUrl, runFreepik, startSimulator } from '../helpers/freepik';
import { recordSuiteFigures } from './figures';
import { LeakCollector, safeStringify, leakFigures } from './leak-collector';
import {
	captureServer,
	collector,
	createTaskDirectly,
	freePort,
	settle,
	useFastRetries,
	waitForCompletion,
} from './support';

const WRONG_KEY = 'sk-wrong-9d0c2e71aa5f4b38';

/** Asserts locally (the afterAll scan repeats it for everything). */
function expectNoKey(what: unknown, key = API_KEY) {
	const text = typeof what === 'string' ? what : safeStringify(what);
	expect(text).not.toContain(key);
	expect(text).not.toContain(key.slice(0, 12));
	expect(text).not.toContain(key.slice(-12));
}

describe('the API key never leaks', () => {
	let sim: Simulator;
	let restore: () => void;
	let scenarios = 0;

	beforeAll(async () => {
		restore = useFastRetries();
		sim = await startSimulator({ taskDurationMs: 100 });
	});
	afterAll(async () => {
		restore();
		await settle(sim);
		await sim.close();
		const report = collector.report();
		recordSuiteFigures('key-leak', leakFigures(report));
		// On a full run (not filtered with -t) the scan must have seen real material.
		if (scenarios > 10) {
			expect(report.keys).toBeGreaterThanOrEqual(2);
			expect(report.runsScanned).toBeGreaterThanOrEqual(scenarios - 1);
			expect(report.foreignRequestsChecked).toBeGreaterThan(0);
		}
		expect(report.leaks).toEqual([]);
	});
	beforeEach(async () => {
		await settle(sim);
		sim.reset({ options: true });
		scenarios++;
	});

	it('the scanner finds a planted key, a cut-off piece of it and its base64 form', () => {
		const probe = new LeakCollector();
		probe.addKey(API_KEY);
		probe.addText('clean', 'nothing to see');
		probe.addText('whole', { headers: { 'x-freepik-api-key': API_KEY } });
		probe.addText('piece', `…${API_KEY.slice(5, 19)}`);
		probe.addText('base64', Buffer.from(API_KEY).toString('base64'));
		probe.addForeignRequest('file host', { headers: { authorization: API_KEY } });
		expect(probe.report().leaks.map((l) => l.where)).toEqual([
			'whole',
			'piece',
			'base64',
			'file host headers',
		]);
	});

	describe('servers that echo the key back', () => {
		it.each([
			[
				'a JSON error',
				{ kind: 'status', status: 400, body: { message: `bad request for key ${API_KEY}` } },
			],
			[
				'an HTML error page',
				{
					kind: 'status',
					status: 400,
					body: `<html><body>Denied: ${API_KEY}</body></html>`,
					headers: { 'content-type': 'text/html' },
				},
			],
			// The key straddles the 200-character cut of the body excerpt (16 characters before the cut).
			[
				'a long text body',
				{
					kind: 'status',
					status: 418,
					body: `${'x'.repeat(184)}${API_KEY}${'y'.repeat(50)}`,
					headers: { 'content-type': 'text/plain' },
				},
			],
			[
				'an invalid_params reason',
				{
					kind: 'status',
					status: 400,
					body: {
						message: 'Invalid',
						invalid_params: [{ name: 'x-freepik-api-key', reason: API_KEY }],
					},
				},
			],
		] as const)('create: %s', async (_name, fault) => {
			for (const continueOnFail of [false, true]) {
				sim.reset();
				sim.addFault({ route: 'create', ...fault } as never);
				const result = await runFreepik(sim, isolateFromUrl({ waitForCompletion: false }), {
					continueOnFail,
				});
				expect(result.error ?? result.items[0].json.error).toBeDefined();
				expectNoKey(result);
				expect(result.error?.message ?? result.items[0].json.error).toMatch(/\*\*\*|Freepik/);
			}
		});

		it('get: a successful body that echoes the key', async () => {
			const taskId = await createTaskDirectly(sim);
			await waitForCompletion(sim, taskId);
			sim.addFault({
				route: 'get',
				kind: 'status',
				status: 200,
				body: {
					data: { task_id: taskId, status: 'COMPLETED', generated: [], debug: { key: API_KEY } },
				},
			});
			const result = await runFreepik(sim, {
				operation: 'get',
				taskId,
				waitForCompletion: false,
				downloadResult: false,
			});
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.task_id).toBe(taskId);
			expectNoKey(result.items);
		});

		it('list: an error that echoes the key, with Continue On Fail', async () => {
			sim.addFault({
				route: 'list',
				kind: 'status',
				status: 403,
				body: { message: `key ${API_KEY} not allowed` },
			});
			const result = await runFreepik(
				sim,
				{ operation: 'getAll', returnAll: true },
				{ continueOnFail: true },
			);
			expect(result.items[0].json.error).toMatch(/not allowed to use this resource/);
			expectNoKey(result);
		});
	});

	describe('redirects away from the API are not followed with the key', () => {
		it.each(['create', 'get', 'list'] as const)('%s: redirect to the file host', async (route) => {
			const taskId = route === 'create' ? undefined : await createTaskDirectly(sim);
			sim.addFault({ route, kind: 'redirect', status: route === 'create' ? 307 : 302 });
			const parameters =
				route === 'create'
					? isolateFromUrl({ waitForCompletion: false })
					: route === 'get'
						? { operation: 'get', taskId, waitForCompletion: false, downloadResult: false }
						: { operation: 'getAll', returnAll: true };
			const result = await runFreepik(sim, parameters);
			expect(result.error?.message).toMatch(/was not followed/);
			expect(sim.requests.filter((r) => r.server === 'file')).toEqual([]);
			expectNoKey(result);
		});

		it.each(['create', 'get', 'list'] as const)(
			'%s: redirect to another loopback port',
			async (route) => {
				const capture = await captureServer();
				try {
					const taskId = route === 'create' ? undefined : await createTaskDirectly(sim);
					sim.addFault({
						route,
						kind: 'redirect',
						location: `${capture.url}/steal${route === 'create' ? '' : `/${taskId}`}`,
						status: 308,
					});
					const parameters =
						route === 'create'
							? isolateFromUrl({ waitForCompletion: false })
							: route === 'get'
								? { operation: 'get', taskId, waitForCompletion: false, downloadResult: false }
								: { operation: 'getAll', returnAll: true };
					const result = await runFreepik(sim, parameters, { continueOnFail: true });
					expect(capture.seen).toEqual([]);
					expect(JSON.stringify(result.items)).toMatch(
						/redirect to 127\.0\.0\.1:\d+ was not followed/,
					);
					expectNoKey(result);
				} finally {
					await capture.close();
				}
			},
		);

		it('download: a file-host redirect to another port is followed without the key', async () => {
			const capture = await captureServer();
			try {
				const taskId = await createTaskDirectly(sim);
				await waitForCompletion(sim, taskId);
				sim.addFault({
					route: 'download',
					kind: 'redirect',
					location: `${capture.url}/mirror/${taskId}.wav`,
				});
				const result = await runFreepik(sim, {
					operation: 'get',
					taskId,
					waitForCompletion: false,
					downloadResult: true,
				});
				expect(capture.seen.length).toBeGreaterThan(0);
				for (const request of capture.seen) expectNoKey(request);
				for (const request of sim.requests.filter((r) => r.server === 'file')) {
					expect(request.headers['x-freepik-api-key']).toBeUndefined();
					expectNoKey(request);
				}
				expectNoKey(result);
			} finally {
				await capture.close();
			}
		});
	});

	describe('ordinary runs', () => {
		it.each(['default', 'filesystem'] as const)(
			'isolate, wait and download (%s binary mode): nothing but the API sees the key',
			async (binaryMode) => {
				const result = await runFreepik(
					sim,
					isolateFromUrl({ waitForCompletion: true, options: { pollInterval: 1 } }),
					{ binaryMode },
				);
				expect(result.error).toBeUndefined();
				expect(result.items[0].binary?.data).toBeDefined();
				expectNoKey(result);
				const file = sim.requests.filter((r) => r.server === 'file');
				expect(file.length).toBeGreaterThan(0);
				for (const request of file) expect(JSON.stringify(request)).not.toContain(API_KEY);
				for (const request of sim.requests.filter((r) => r.server === 'api'))
					expect(request.headers['x-freepik-api-key']).toBe(API_KEY);
			},
		);

		it('a wrong key: the 401 error does not repeat it', async () => {
			const result = await runFreepik(sim, isolateFromUrl({ waitForCompletion: false }), {
				apiKey: WRONG_KEY,
			});
			expect(result.error?.message).toMatch(/API key is missing or invalid/);
			expectNoKey(result, WRONG_KEY);
		});

		it('network failures (reset, timeout, refused): low-level errors carry the headers, ours do not', async () => {
			const taskId = await createTaskDirectly(sim);
			sim.addFault({ route: 'get', kind: 'reset', times: 'Infinity' });
			const reset = await runFreepik(sim, {
				operation: 'get',
				taskId,
				waitForCompletion: false,
				downloadResult: false,
			});
			expect(reset.error?.message).toMatch(/ECONNRESET/);
			expectNoKey(reset);
			sim.clearFaults();
			sim.addFault({ route: 'create', kind: 'delayAfterCreate', ms: 1500 });
			const timeout = await runFreepik(
				sim,
				isolateFromUrl({ waitForCompletion: false, tuning: { requestTimeout: 1 } }),
				{ continueOnFail: true },
			);
			expect(timeout.items[0].json.error).toMatch(/ETIMEDOUT/);
			expectNoKey(timeout);
			const refused = await runFreepik(
				{ apiUrl: `http://127.0.0.1:${await freePort()}` } as Simulator,
				isolateFromUrl({ waitForCompletion: false }),
			);
			expect(refused.error?.message).toMatch(/ECONNREFUSED/);
			expectNoKey(refused);
		});

		it('retry debug log lines name the route, never the key', async () => {
			const taskId = await createTaskDirectly(sim);
			sim.addFault({ route: 'get', kind: 'status', status: 503, times: 2 });
			const result = await runFreepik(sim, {
				operation: 'get',
				taskId,
				waitForCompletion: false,
				downloadResult: false,
			});
			expect(result.error).toBeUndefined();
			const retries = result.logs.filter((l) =>
				/Freepik: GET .* failed \(503\), retry/.test(l.message),
			);
			expect(retries.length).toBeGreaterThanOrEqual(2);
			expectNoKey(result.logs);
		});
	});
});
