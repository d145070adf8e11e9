import type { Simulator } from '../../simulator';

export const API_PATH = '/v1/ai/audio-isolation';
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ApiInit = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

/** fetch against the API with the valid key (override with `headers`). */
export function api(sim: Simulator, path: string, init: ApiInit = {}) {
	return fetch(`${sim.apiUrl}${path}`, {
		...init,
		headers: {
			'x-freepik-api-key': sim.apiKey,
			'content-type': 'application/json',
			...(init.headers ?? {}),
		},
	});
}

export async function createTask(sim: Simulator, body: Record<string, unknown>) {
	const res = await api(sim, API_PATH, { method: 'POST', body: JSON.stringify(body) });
	return { res, json: (await res.json()) as any };
}

export async function getTask(sim: Simulator, id: string) {
	const res = await api(sim, `${API_PATH}/${id}`);
	return (await res.json()) as { data: { task_id: string; status: string; generated: string[] } };
}

export const audio = (text = 'hello wav') => Buffer.from(text).toString('base64');

/**
 * How long a wait on a condition may take before the test fails instead of hanging. A guard, not a
 * duration any test relies on: on two cores kept busy by other processes a loopback round trip can
 * take seconds.
 */
export const HANG_GUARD_MS = 20_000;

/** Polls `check` until it returns a truthy value; bounded by `timeoutMs`. */
export async function waitFor<T>(
	check: () => Promise<T> | T,
	timeoutMs = HANG_GUARD_MS,
	intervalMs = 20,
): Promise<Exclude<T, null | undefined | false>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value as Exclude<T, null | undefined | false>;
		if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
		await sleep(intervalMs);
	}
}

/** Creates a task and waits until it is COMPLETED; returns its generated URLs. */
export async function completedTask(
	sim: Simulator,
	description = 'voice',
	extra: Record<string, unknown> = {},
) {
	const { json } = await createTask(sim, { description, audio: audio(), ...extra });
	const id: string = json.data.task_id;
	const task = await waitFor(async () => {
		const t = await getTask(sim, id);
		return t.data.status === 'COMPLETED' ? t.data : null;
	});
	return task;
}

/**
 * Moves a simulator task on to `status` now. Its status otherwise follows the wall clock (CREATED
 * for a tenth of its duration), which a loaded machine can overrun between two requests.
 */
export function advanceTask(sim: Simulator, id: string, status: 'IN_PROGRESS' | 'COMPLETED') {
	const task = sim.tasks.get(id);
	if (!task) throw new Error(`no simulator task ${id}`);
	const now = Date.now();
	task.inProgressAt = Math.min(task.inProgressAt, now);
	if (status === 'COMPLETED') task.doneAt = now;
}
