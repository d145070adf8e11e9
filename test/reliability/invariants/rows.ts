/**
 * Runs one row of the matrix through n8n-core (harness/n8n-harness.js) against the real simulator:
 * Resume on Webhook rows get the simulator's signed callbacks handed to the waiting node's
 * webhook(), and the execution goes on (to the second pass, and its wait) as n8n would.
 */
import { Freepik } from '../../../nodes/Freepik/Freepik.node';
import type { Simulator } from '../../../simulator';
import { simulatorCredentials, startSimulator } from '../../helpers/freepik';
import {
	RESUME_TOKEN,
	startCallbackReceiver,
	WEBHOOK_SECRET,
	type Callback,
	type Receiver,
} from '../../helpers/resume';
import { deliverUntilResumed } from './callbacks';
import { QuietClock } from './clock';
import { hangGuard } from './guard';
import {
	faultSpec,
	firstPassParameters,
	inputItems,
	MAX_WAIT_S,
	RETRY_SETTINGS,
	secondPassParameters,
	secondPassSize,
	type Row,
} from './matrix';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness = require('../../../harness/n8n-harness');

/** The engine's clock runs at most this many times faster than real time (see QuietClock). */
export const SPEED = 5;
/** Ms on the engine's clock after a run during which the simulator must see nothing more. */
const SETTLE_MS = 3 * 1000;

/** A callback receiver that serves one row at a time. */
export interface Lane {
	receiver: Receiver;
}

export async function startLane(): Promise<Lane> {
	return { receiver: await startCallbackReceiver() };
}

export async function closeLane(lane: Lane): Promise<void> {
	await lane.receiver.close();
}

type Item = { json: Record<string, any>; pairedItem?: unknown };
export interface NodeOutcome {
	items: Item[];
	errorItems: Item[];
	error?: { message: string; description?: string };
}
export interface Outcome extends NodeOutcome {
	status: string;
	nodes: Record<string, NodeOutcome>;
	run: { data: any };
}

export interface Observation {
	/** The run's last outcome (after every resume). */
	outcome: Outcome;
	/** The execution's final error, if it failed. */
	finalError?: { message: string; description?: string };
	/** Every task the simulator created, with the pass and item its description names. */
	tasks: Array<{
		id: string;
		pass: number;
		item: number;
		status: string;
		description: string;
		/** The connection was reset after the simulator made it: the node never saw its id. */
		answerLost: boolean;
	}>;
	/** The hang guard stopped an execution that did not end by itself. */
	hung: boolean;
	/** Resume on Webhook: each wait's deadline and when its execution part ended (real ms). */
	webhookWaits: Array<{ endedAt: number; waitTill: number }>;
	/** Resume on Webhook: waits n8n would have ended at their deadline (callbacks did not). */
	deadlineResumes: number;
	/** Poll: for each task, from its create to its last poll, on the engine's clock. */
	pollSpans: Array<{ task: string; ms: number }>;
	/** Requests the simulator received after the run had ended, or from an earlier row. */
	lateRequests: string[];
	/** Real ms the row took, its settle time included. */
	ms: number;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long an execution part may wait on the engine's clock before the hang guard stops it (a run
 * it stops breaks "every wait ends by its Max Wait Time"): each wait's Max Wait Time (a retried
 * run reuses its tasks, so one more) and 15 s more. A part stuck without waiting is stopped after
 * IDLE_MS without progress.
 */
const budgetMs = (row: Row) => row.passes * (row.retry ? 2 : 1) * MAX_WAIT_S * 1000 + 15_000;

/**
 * Runs one row on a simulator of its own: the node shares one rate limiter per API host in the
 * process, so a row's 429 pause must not reach the next row (each simulator has its own port).
 */
export async function runRow(lane: Lane, row: Row, tag: string): Promise<Observation> {
	const sim = await startSimulator({ taskDurationMs: 40, resultBytes: 1024 });
	try {
		return await runRowOn(sim, lane.receiver, row, tag);
	} finally {
		await sim.close();
	}
}

async function runRowOn(
	sim: Simulator,
	receiver: Receiver,
	row: Row,
	tag: string,
): Promise<Observation> {
	const clock = new QuietClock(
		[sim.apiUrl, sim.fileUrl].map((url) => new URL(url).host),
		SPEED,
	);
	try {
		return await observe(sim, receiver, row, tag, clock);
	} finally {
		clock.close();
	}
}

async function observe(
	sim: Simulator,
	receiver: Receiver,
	row: Row,
	tag: string,
	clock: QuietClock,
): Promise<Observation> {
	const startedAt = Date.now();
	const fault = faultSpec(row);
	if (fault) sim.addFault(fault);
	const guard = () =>
		hangGuard(clock, budgetMs(row), () => sim.requests.length + receiver.received.length);
	const nodeType = new Freepik({
		engine: { clock, firstPollDelayMs: 200 },
		client: { retryBaseDelayMs: 20, retryMaxDelayMs: 200, maxRetryAfterMs: 5000 },
		download: { retryDelayMs: 20 },
	});
	const callbacksBefore = receiver.received.length;
	const webhookWaits: Observation['webhookWaits'] = [];
	// Each callback goes to the wait in progress when it arrives, and to no later one.
	const delivered = new Set<Callback>();
	let outcome: Outcome = await harness.runNode({
		nodeType,
		...simulatorCredentials(sim, { webhookSecret: WEBHOOK_SECRET }),
		parameters: firstPassParameters(row),
		items: inputItems(row, tag),
		onError: row.onError,
		nodeSettings: row.retry ? RETRY_SETTINGS : undefined,
		secondPass:
			row.passes === 2
				? { take: secondPassSize(row.items), parameters: secondPassParameters(row, tag) }
				: undefined,
		executionId: `matrix-${tag}`,
		resumeToken: RESUME_TOKEN,
		additionalData: {
			webhookWaitingBaseUrl: `${receiver.base}/webhook-waiting`,
			formWaitingBaseUrl: `${receiver.base}/form-waiting`,
		},
		cancelAfterMs: guard(),
	});
	let hung = outcome.status === 'canceled';
	let deadlineResumes = 0;
	let endedAt = Date.now();
	// Bounded: each resume moves the execution past one waiting node.
	for (let resumes = 0; outcome.status === 'waiting' && resumes < row.passes; resumes++) {
		webhookWaits.push({
			endedAt,
			waitTill: new Date(outcome.run.data.waitTill).getTime(),
		});
		const resumedWith = await deliverUntilResumed(
			sim,
			receiver,
			outcome,
			nodeType,
			callbacksBefore,
			delivered,
		);
		if (!resumedWith) deadlineResumes++;
		outcome = await harness.continueRun(
			outcome,
			resumedWith ?? outcome.run.data.executionData.nodeExecutionStack[0].data.main,
			guard(),
		);
		endedAt = Date.now();
		hung ||= outcome.status === 'canceled';
	}
	const lateRequests = await requestsAfterTheEnd(sim, tag, clock);
	return {
		outcome,
		finalError: outcome.run.data.resultData.error,
		tasks: tasksOf(sim),
		hung,
		webhookWaits,
		deadlineResumes,
		pollSpans: row.wait === 'poll' ? pollSpans(sim, clock) : [],
		lateRequests,
		ms: Date.now() - startedAt,
	};
}

function tasksOf(sim: Simulator): Observation['tasks'] {
	const lost = new Set(
		sim.requests.filter((r) => r.fault === 'resetAfterCreate').map((r) => r.taskId),
	);
	return [...sim.tasks.values()].map((task) => {
		const description = String(task.body.description);
		const [, pass, item] = /p(\d) item (\d+)/.exec(description) ?? [];
		return {
			id: task.id,
			pass: Number(pass),
			item: Number(item),
			status: String(sim.taskView(task.id)?.status),
			description,
			answerLost: lost.has(task.id),
		};
	});
}

/**
 * Requests that came after the run, and any create or lookup of a task not of this row. It waits
 * SETTLE_MS on the engine's clock (a loop left polling keeps it going) or, when nothing sleeps on
 * it any more, as long in real time as that would take.
 */
async function requestsAfterTheEnd(sim: Simulator, tag: string, clock: QuietClock) {
	const atEnd = sim.requests.length;
	const until = clock.now() + SETTLE_MS;
	await sleep(SETTLE_MS / SPEED);
	for (let waited = 0; clock.pending && clock.now() < until && waited < 100; waited++)
		await sleep(SETTLE_MS / SPEED / 10);
	const describe = (r: (typeof sim.requests)[number]) => `${r.method} ${r.path} (${r.status})`;
	const late = sim.requests.slice(atEnd).map((r) => `after the end: ${describe(r)}`);
	const foreign = sim.requests
		.filter(
			(r) =>
				(r.route === 'create' &&
					typeof (r.body as { description?: string })?.description === 'string' &&
					!(r.body as { description: string }).description.startsWith(tag)) ||
				(r.taskId !== null && r.route !== 'create' && !sim.tasks.has(r.taskId)),
		)
		.map((r) => `of an earlier row: ${describe(r)}`);
	return [...late, ...foreign];
}

/** Per task: from its create to its last poll, on the engine's clock. */
function pollSpans(sim: Simulator, clock: QuietClock): Observation['pollSpans'] {
	return [...sim.tasks.values()].flatMap((task) => {
		const polls = sim.requests.filter((r) => r.route === 'get' && r.taskId === task.id);
		if (!polls.length) return [];
		const ms = clock.at(polls[polls.length - 1].at) - clock.at(task.createdAt);
		return [{ task: `${/p\d item \d+/.exec(String(task.body.description))?.[0]}`, ms }];
	});
}
