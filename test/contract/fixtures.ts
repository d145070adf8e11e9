/**
 * Freepik's published examples (fixtures/*.json), each with the docs address it came from. The
 * three contract suites replay them through the simulator, the Freepik node and the Trigger: a
 * drift of any of the three from the docs fails one of them. See fixtures/README.md.
 */
import errors from './fixtures/errors.json';
import getTask from './fixtures/get-task.json';
import isolateVideo from './fixtures/isolate-video.json';
import isolate from './fixtures/isolate.json';
import listTasks from './fixtures/list-tasks.json';
import webhook from './fixtures/webhook.json';

export const fixtures = { isolate, isolateVideo, getTask, listTasks, errors, webhook };

/** The shape of a JSON value: its keys (sorted) and value types, recursively; arrays by item. */
export function shapeOf(value: unknown): unknown {
	if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
	if (value === null) return 'null';
	if (typeof value !== 'object') return typeof value;
	const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
		a.localeCompare(b),
	);
	return Object.fromEntries(entries.map(([key, item]) => [key, shapeOf(item)]));
}

/** Every fixture, for the check that each one names where it came from. */
export const allFixtures = Object.entries(fixtures);
