import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TaskJob, TaskOutcome } from './jobTypes';
import { factsOf, FreepikOperationError } from './errors';
import {
	countTry,
	forgetRun,
	MAX_ITEMS_PER_RUN,
	recall,
	remember,
	triesOf,
	type ItemRecord,
	type RunScope,
} from './retryLedger';

/**
 * n8n's Retry On Fail reruns execute() when it throws. A rerun reuses what earlier tries of the
 * same run created (helpers/retryLedger.ts): a task that exists and did not FAIL is waited for
 * again (or, without waiting, returned), a create that may have succeeded is not sent again, and
 * only an item whose task FAILED or that has no task is submitted again.
 */

/** Which run of which node this is; undefined when n8n never reruns it (Retry On Fail off). */
export function retryScope(ctx: IExecuteFunctions): RunScope | undefined {
	const node = ctx.getNode();
	if (node.retryOnFail !== true) return undefined;
	const executionId = ctx.getExecutionId?.();
	if (!executionId) return undefined;
	return { executionId, nodeId: node.id || node.name, runIndex: runIndexOf(ctx) };
}

/** Tries of one run share the run index; a node run again later in the execution does not. */
export function runIndexOf(ctx: IExecuteFunctions): number {
	try {
		return Number(ctx.getWorkflowDataProxy(0).$runIndex) || 0;
	} catch {
		return 0;
	}
}

type CreateJob<Body> = Extract<TaskJob<Body>, { kind: 'createOnly' | 'createAndWait' }>;

const isCreate = <Body>(job: TaskJob<Body>): job is CreateJob<Body> =>
	(job.kind === 'createOnly' || job.kind === 'createAndWait') && job.requestHash !== undefined;

/** The job a rerun does instead of creating the item's task again. */
function reuseJob<Body>(job: CreateJob<Body>, taskId: string): TaskJob<Body> {
	const { itemIndex } = job;
	if (job.kind === 'createAndWait')
		return { kind: 'getAndWait', itemIndex, taskId, wait: job.wait };
	return { kind: 'getOnce', itemIndex, taskId, pollIntervalMs: 0 };
}

function notSentAgain(ctx: IExecuteFunctions, itemIndex: number, record: ItemRecord): Error {
	const { message, description } = record.ambiguous!;
	const notSent =
		'An earlier try of this node sent this create and its answer was lost, ' +
		'so the retry did not send it again.';
	return new FreepikOperationError(
		ctx.getNode(),
		message,
		{ itemIndex, description: [description, notSent].filter(Boolean).join('\n') },
		{ mayHaveCreated: true },
	);
}

/** A create whose answer was lost (or still in flight): a task may exist, its id is unknown. */
export function isAmbiguous(outcome: TaskOutcome): boolean {
	if (outcome.ok || outcome.task) return false;
	if (outcome.createInFlight) return true;
	const { failure } = outcome;
	return failure.kind === 'error' && factsOf(failure.error).mayHaveCreated === true;
}

/** The record after a try: the task it ended with, or a create whose outcome is unknown. */
function updated(record: ItemRecord, outcome: TaskOutcome): ItemRecord | undefined {
	if (outcome.task) {
		const id = outcome.task.task_id;
		return {
			taskIds: record.taskIds.includes(id) ? record.taskIds : [...record.taskIds, id],
			status: outcome.task.status,
			resubmit: !outcome.ok && outcome.failure.kind === 'failed',
		};
	}
	if (isAmbiguous(outcome)) {
		const failure = (outcome as { failure: { error?: Error & { description?: string } } }).failure;
		const message = failure.error?.message ?? 'A create was in flight when the execution stopped';
		return {
			...record,
			ambiguous: { message, description: failure.error?.description },
		};
	}
	return record.taskIds.length ? { ...record, resubmit: true } : undefined;
}

/** A batch too large to remember between tries is refused before any request. */
function refuseTooMany<Body>(ctx: IExecuteFunctions, jobs: Array<TaskJob<Body>>): void {
	const itemCount = Math.max(0, ...jobs.map((job) => job.itemIndex + 1));
	if (itemCount <= MAX_ITEMS_PER_RUN) return;
	const limit = MAX_ITEMS_PER_RUN.toLocaleString('en-US');
	throw new NodeOperationError(
		ctx.getNode(),
		`Retry On Fail: this node remembers at most ${limit} items per run between tries, ` +
			`got ${itemCount.toLocaleString('en-US')}`,
		{
			description:
				'Above that a retry could create tasks again. Split the input (Loop Over Items, ' +
				`at most ${limit} per batch) or turn off Retry On Fail in the node's Settings. ` +
				'Nothing was sent to Freepik.',
		},
	);
}

/** Earlier tries of one node run, as the rerun of a batch sees them. */
export class EarlierTries<Body> {
	/** Per item: its request hash and what earlier tries left, read once when the try starts. */
	private readonly items = new Map<number, { hash: string; record?: ItemRecord }>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly scope: RunScope | undefined,
	) {}

	/** The jobs to run now, and items already answered (a create that must not be sent again). */
	plan(jobs: Array<TaskJob<Body>>): { jobs: Array<TaskJob<Body>>; answered: TaskOutcome[] } {
		if (!this.scope) return { jobs, answered: [] };
		refuseTooMany(this.ctx, jobs);
		const planned: Array<TaskJob<Body>> = [];
		const answered: TaskOutcome[] = [];
		for (const job of jobs) {
			const next = isCreate(job) ? this.rerunOf(job, this.scope) : job;
			if ('ok' in next) answered.push(next);
			else planned.push(next);
		}
		return { jobs: planned, answered };
	}

	/** What this try does for an item, given what earlier tries did. */
	private rerunOf(job: CreateJob<Body>, scope: RunScope): TaskJob<Body> | TaskOutcome {
		const hash = job.requestHash!();
		const record = recall(scope, job.itemIndex);
		this.items.set(job.itemIndex, { hash, record });
		if (!record) return job;
		if (record.requestHash !== hash && !record.resubmit) this.noteChangedRequest(job, record);
		if (record.ambiguous) {
			const error = notSentAgain(this.ctx, job.itemIndex, record);
			return {
				itemIndex: job.itemIndex,
				ok: false,
				failure: { kind: 'error', error },
				...(record.taskIds.length ? { earlierTaskIds: record.taskIds } : {}),
			};
		}
		const lastTaskId = record.taskIds.at(-1);
		return lastTaskId && !record.resubmit ? reuseJob(job, lastTaskId) : job;
	}

	/** The item's task is kept although this try built another request (e.g. `$now` in a field). */
	private noteChangedRequest(job: CreateJob<Body>, record: ItemRecord): void {
		const kept = record.ambiguous
			? 'does not send its create again (an earlier one may have made a task)'
			: `keeps its task ${record.taskIds.at(-1)} instead of creating another`;
		this.ctx.logger.warn(
			`Freepik: item ${job.itemIndex}: this try built a different request than the earlier ` +
				`try (an expression that changes on every run?); the retry ${kept}`,
		);
	}

	/**
	 * Keeps what this try knows for the next one (written now, so a record outlives a try however
	 * long it waited); outcomes gain the ids earlier tries created.
	 */
	record(outcomes: TaskOutcome[]): TaskOutcome[] {
		const scope = this.scope;
		if (!scope) return outcomes;
		const ran = new Set(outcomes.map((outcome) => outcome.itemIndex));
		for (const [itemIndex, { record }] of this.items)
			if (record && !ran.has(itemIndex)) remember(scope, itemIndex, record);
		return outcomes.map((outcome) => {
			const item = this.items.get(outcome.itemIndex);
			if (!item) return outcome;
			const before = item.record ?? { taskIds: [], resubmit: false };
			const after = updated(before, outcome);
			if (after) remember(scope, outcome.itemIndex, { ...after, requestHash: item.hash });
			const earlier = before.taskIds.filter((id) => id !== outcome.task?.task_id);
			return earlier.length ? { ...outcome, earlierTaskIds: earlier } : outcome;
		});
	}
}

/** How many times n8n runs the node at most: its own clamp (WorkflowExecute.getRetryParams). */
const maxTriesOf = (node: INode) => Math.min(5, Math.max(2, node.maxTries || 3));

/** A try of the node starts (n8n's first run or one of its reruns). */
export function startTry(ctx: IExecuteFunctions): void {
	const scope = retryScope(ctx);
	if (scope) countTry(scope);
}

/**
 * A try ended: with `output`, or by throwing (no output). n8n runs the node again only after a
 * throw or when the first output item is an error (Continue On Fail), and never after its last
 * try, so otherwise the run's records go.
 */
export function endTry(ctx: IExecuteFunctions, output?: INodeExecutionData[][]): void {
	const scope = retryScope(ctx);
	if (!scope) return;
	const first = output?.[0]?.[0]?.json as IDataObject | undefined;
	const rerunFollows = (!output || !!first?.error) && triesOf(scope) < maxTriesOf(ctx.getNode());
	if (!rerunFollows) forgetRun(scope);
}
