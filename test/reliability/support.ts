/** Shared set-up of the reliability suites: fast retries, the leak collector, small helpers. */
import * as http from 'http';
import * as net from 'net';

import { useTuning } from '../helpers/freepik';
import type { RecordedRequest, Simulator } from '../../simulator';
import { HANG_GUARD_MS } from '../simulator/helpers';
import { installLeakCollector } from './leak-collector';
import { retryWaits } from '../helpers/retryWaits';

export { retryWaits };

export const collector = installLeakCollector();

/** Retry timings of the tests: same algorithm as production, waits in tens of milliseconds. */
export const FAST_RETRIES = {
	retryBaseDelayMs: 20,
	retryMaxDelayMs: 200,
	maxRetryAfterMs: 5_000,
	maxRetries: 5,
};

/** Shortens backoff waits for the whole test file; call in beforeAll, the returned function in afterAll. */
export function useFastRetries(): () => void {
	return useTuning(fastTuning());
}

export const fastTuning = (client: Partial<typeof FAST_RETRIES> = {}) => ({
	client: { ...FAST_RETRIES, ...client, sleep: retryWaits.sleep },
	download: { retryDelayMs: 20 },
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it is truthy, for at most `timeoutMs` (every loop of the suites is bounded). */
export async function waitUntil(
	check: () => boolean | Promise<boolean>,
	timeoutMs = HANG_GUARD_MS,
	stepMs = 10,
): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return true;
		await sleep(stepMs);
	}
	return await check();
}

/** Waits until every request the simulator received has been answered or dropped (delayed faults finish late). */
export async function settle(sim: Simulator, timeoutMs = HANG_GUARD_MS): Promise<void> {
	await waitUntil(() => sim.requests.every((r: RecordedRequest) => r.status !== null), timeoutMs);
}

/** Creates a task straight through the simulator's API (as another client would) and returns its id. */
export async function createTaskDirectly(
	sim: Simulator,
	description = 'A person speaking',
): Promise<string> {
	const res = await fetch(`${sim.apiUrl}/v1/ai/audio-isolation`, {
		method: 'POST',
		headers: { 'x-freepik-api-key': sim.apiKey, 'content-type': 'application/json' },
		body: JSON.stringify({ description, audio: 'https://example.com/fixture.mp3' }),
	});
	const json = (await res.json()) as { data: { task_id: string } };
	return json.data.task_id;
}

/** Waits until the simulator reports the task COMPLETED. */
export async function waitForCompletion(
	sim: Simulator,
	taskId: string,
	timeoutMs = HANG_GUARD_MS,
): Promise<void> {
	const done = await waitUntil(() => sim.taskView(taskId)?.status === 'COMPLETED', timeoutMs);
	if (!done) throw new Error(`fixture task ${taskId} did not complete within ${timeoutMs} ms`);
}

/** A free loopback port with nothing listening on it (connections are refused). */
export async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** A TCP proxy to `target` on `port`; starts listening when `listen()` is called. */
export function tcpProxy(port: number, target: string) {
	const { hostname, port: targetPort } = new URL(target);
	const sockets = new Set<net.Socket>();
	const server = net.createServer((client) => {
		const upstream = net.connect(Number(targetPort), hostname);
		for (const s of [client, upstream]) {
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
			s.on('error', () => s.destroy());
		}
		client.pipe(upstream).pipe(client);
	});
	return {
		url: `http://127.0.0.1:${port}`,
		listen: async () =>
			await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) =>
				server.listening ? server.close(() => resolve()) : resolve(),
			);
		},
	};
}

/** An HTTP server on another loopback port that records what reaches it (a redirect target). */
export async function captureServer() {
	const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];
	const server = http.createServer((req, res) => {
		seen.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
		collector.addForeignRequest(`capture server ${req.method} ${req.url}`, {
			headers: req.headers,
			url: req.url,
		});
		req.resume();
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ data: { task_id: 'captured', status: 'COMPLETED', generated: [] } }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		seen,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Every string an outcome shows a user: the thrown error, or each item's json (error items included). */
export function outcomeTexts(result: {
	items: Array<{ json: Record<string, unknown> }>;
	error?: { message: string; description?: string };
}) {
	if (result.error)
		return { message: result.error.message ?? '', description: result.error.description ?? '' };
	const errors = result.items.filter((i) => i.json.error !== undefined);
	return {
		message: errors.map((i) => String(i.json.error)).join('\n'),
		description: errors.map((i) => String(i.json.errorDescription ?? '')).join('\n'),
	};
}

/** A message users may see must not look like a crash. */
export function assertCleanMessage(text: string) {
	expect(text).not.toMatch(
		/\bundefined\b|\bnull\b|\[object Object\]|NaN|\n\s+at .+\(.+:\d+:\d+\)|TypeError|ReferenceError|Cannot read propert/,
	);
}
