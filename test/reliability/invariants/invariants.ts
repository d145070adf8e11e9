/**
 * The four invariants of issue 22, checked on one row's observation. Each returns what it found
 * wrong, in words a failing test prints; an empty list is a pass.
 */
import { MAX_TRIES, MAX_WAIT_S, secondPassSize, type Row } from './matrix';
import type { NodeOutcome, Observation } from './rows';

/**
 * Slack on the engine's clock for a wait's last poll: two Poll Intervals (a sleep of the engine's
 * loop may end between the simulator seeing a request and the engine seeing its answer). Requests
 * take no time on that clock (rows.ts), so the slack does not grow with the machine's load.
 */
const POLL_SLACK_MS = 2 * 1000;

const nodeOfPass = (pass: number) => (pass === 1 ? 'Node' : 'Node 2');

function placesOf(id: string, pass: number, obs: Observation): string[] {
	const node: NodeOutcome | undefined = obs.outcome.nodes[nodeOfPass(pass)];
	const places: string[] = [];
	const has = (item: { json: object }) => JSON.stringify(item.json).includes(id);
	node?.items.forEach((item, i) => has(item) && places.push(`success output item ${i}`));
	node?.errorItems.forEach((item, i) => has(item) && places.push(`error output item ${i}`));
	const error = obs.finalError;
	if (error && `${error.message}\n${error.description ?? ''}`.includes(id))
		places.push('the final error');
	return places;
}

const UNCERTAIN = /may have been created/;

/**
 * Where a task whose create answer was lost is reported as such: its item (error item paired with
 * it) or the final error (pointing at that item) says a task may have been created.
 */
function uncertainPlacesOf(task: Observation['tasks'][number], obs: Observation): string[] {
	const node: NodeOutcome | undefined = obs.outcome.nodes[nodeOfPass(task.pass)];
	const places: string[] = [];
	const says = (item: { json: object; pairedItem?: unknown }) =>
		(item.pairedItem as { item?: number } | undefined)?.item === task.item &&
		UNCERTAIN.test(JSON.stringify(item.json));
	node?.items.forEach(
		(item, i) => says(item) && places.push(`success output item ${i} (uncertain)`),
	);
	node?.errorItems.forEach(
		(item, i) => says(item) && places.push(`error output item ${i} (uncertain)`),
	);
	const error = obs.finalError as { message: string; context?: { itemIndex?: number } } | undefined;
	if (
		error &&
		UNCERTAIN.test(error.message) &&
		(error.context?.itemIndex ?? task.item) === task.item
	)
		places.push('the final error (uncertain)');
	return places;
}

/**
 * Every task the simulator created appears in exactly one place a user sees. A task whose create
 * answer was lost cannot be named by Poll or Wait off (nothing tells the node its id): there it
 * must be reported as "may have been created" on its item instead. Resume on Webhook learns it
 * from the task's callback (issue 22 bug 3), so there the task itself must be seen, unless On Error
 * is Stop: the run then fails at the submit, before any wait, as Poll does.
 */
export function everyTaskSeenOnce(row: Row, obs: Observation): string[] {
	const learnsLostIds = row.wait === 'webhook' && row.onError !== 'stopWorkflow';
	return obs.tasks.flatMap((task) => {
		let places = placesOf(task.id, task.pass, obs);
		if (task.answerLost && !learnsLostIds && !places.length) places = uncertainPlacesOf(task, obs);
		if (places.length === 1) return [];
		const where = places.length ? places.join(', ') : 'nowhere';
		const deadline = obs.deadlineResumes
			? ` (${obs.deadlineResumes} wait(s) ended at the deadline)`
			: '';
		return [
			`task of pass ${task.pass} item ${task.item} (${task.status}) is seen in ${places.length} ` +
				`places: ${where}${deadline}`,
		];
	});
}

/** No item is created twice unless its earlier task FAILED. */
export function noItemCreatedTwice(obs: Observation): string[] {
	const byItem = new Map<string, Observation['tasks']>();
	for (const task of obs.tasks) {
		const key = `pass ${task.pass} item ${task.item}`;
		byItem.set(key, [...(byItem.get(key) ?? []), task]);
	}
	return [...byItem].flatMap(([key, tasks]) =>
		tasks.slice(0, -1).some((task) => task.status !== 'FAILED')
			? [`${key} was created ${tasks.length} times (${tasks.map((t) => t.status).join(', ')})`]
			: [],
	);
}

/**
 * Every wait ends by its Max Wait Time. With Retry On Fail each try waits again for the tasks
 * still running (issue 12: a running task is waited for, not created again), so a task may be
 * polled for up to one Max Wait Time per try.
 */
export function everyWaitEndsInTime(row: Row, obs: Observation): string[] {
	const tries = row.retry ? MAX_TRIES : 1;
	const found: string[] = [];
	if (obs.hung) found.push('an execution did not end by itself: the hang guard stopped it');
	for (const wait of obs.webhookWaits)
		if (wait.waitTill > wait.endedAt + MAX_WAIT_S * 1000)
			found.push(`a wait was set to end ${wait.waitTill - wait.endedAt} ms after it began`);
	for (const span of obs.pollSpans)
		if (span.ms > tries * (MAX_WAIT_S * 1000 + POLL_SLACK_MS))
			found.push(`${span.task} was polled ${Math.round(span.ms)} ms after its create (clock)`);
	return found;
}

/** The simulator saw no request after the run ended. */
export const nothingAfterTheEnd = (obs: Observation): string[] => obs.lateRequests;

/**
 * Without a fault the run does what was asked: it ends without error and every item of every pass
 * is on the success output with its task (COMPLETED when waiting). Catches a path that fails on its
 * own (the first four invariants hold for a run that fails cleanly, naming its tasks).
 */
export function noFaultSucceeds(row: Row, obs: Observation): string[] {
	if (row.fault !== 'none') return [];
	const found: string[] = [];
	if (obs.finalError) found.push(`the run failed: ${obs.finalError.message}`);
	const expected = [row.items, secondPassSize(row.items)].slice(0, row.passes);
	expected.forEach((count, index) => {
		const node = obs.outcome.nodes[nodeOfPass(index + 1)];
		const done = (node?.items ?? []).filter(
			(item) =>
				typeof item.json.task_id === 'string' &&
				// Wait off: as created (CREATED, or IN_PROGRESS when the answer came a moment late).
				(row.wait === 'off'
					? ['CREATED', 'IN_PROGRESS'].includes(String(item.json.status))
					: item.json.status === 'COMPLETED'),
		);
		if (done.length !== count || node?.errorItems.length)
			found.push(`pass ${index + 1}: ${done.length} of ${count} items done`);
	});
	return found;
}

export function violations(row: Row, obs: Observation): Record<string, string[]> {
	const found = {
		'without a fault every item succeeds': noFaultSucceeds(row, obs),
		'every task seen exactly once': everyTaskSeenOnce(row, obs),
		'no item created twice': noItemCreatedTwice(obs),
		'every wait ends by its Max Wait Time': everyWaitEndsInTime(row, obs),
		'no request after the end': nothingAfterTheEnd(obs),
	};
	return Object.fromEntries(Object.entries(found).filter(([, list]) => list.length));
}
