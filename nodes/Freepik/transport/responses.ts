import type { FreepikTask } from '../helpers/types';

/** Reading Freepik's answers: with or without the `{ "data": … }` wrapper. */

export function parseJson(body: unknown): { ok: true; value: unknown } | { ok: false } {
	if (typeof body !== 'string')
		return body === undefined ? { ok: false } : { ok: true, value: body };
	try {
		return { ok: true, value: JSON.parse(body) };
	} catch {
		return { ok: false };
	}
}

export function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'another location';
	}
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null;

function isTask(value: unknown): value is FreepikTask {
	return isObject(value) && typeof value.task_id === 'string' && value.task_id !== '';
}

/** The task in an answer (`{ data: task }` or the task itself), with status and generated filled in. */
export function taskIn(body: unknown): FreepikTask | undefined {
	const wrapped = isObject(body) ? body.data : undefined;
	const task = isTask(wrapped) ? wrapped : isTask(body) ? body : undefined;
	if (!task) return undefined;
	if (typeof task.status !== 'string') task.status = 'UNKNOWN';
	if (!Array.isArray(task.generated)) task.generated = [];
	return task;
}

/** The task list in an answer (`{ data: [...] }` or the array itself). */
export function tasksIn(body: unknown): FreepikTask[] | undefined {
	const list = isObject(body) && !Array.isArray(body) ? body.data : body;
	return Array.isArray(list) ? (list as FreepikTask[]) : undefined;
}
