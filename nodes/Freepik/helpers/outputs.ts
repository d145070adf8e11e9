import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Failure, TaskOutcome } from './jobTypes';
import { factsOf, FreepikOperationError, restated } from './errors';
import { failedTaskMessage } from './messages';
import { isToolMode } from './toolMode';
import type { FreepikTask } from './types';

/**
 * The one place that turns outcomes into what users see: n8n errors (thrown, or as Continue On Fail
 * items `{ task_id, status, error, errorDescription }`) and output items, in input order and paired
 * with their input items. Errors that happen after a task exists always name it.
 */

type Described = Error & { description?: string | null };

export { isToolMode } from './toolMode';

/**
 * Marks an error whose message already says everything (what, why,
 * whether anything was sent, the fix).
 */
export const standsAlone = (error: NodeOperationError) =>
	restated(error.node, error, { facts: { standsAlone: true } });

/**
 * Last touch before an error leaves the node. A model only reads the message, so in tool mode the
 * message carries the fix that people find in the description.
 */
export function presentError(ctx: IExecuteFunctions, error: Error): Error {
	const { description } = error as Described;
	if (
		!isToolMode(ctx) ||
		!description ||
		factsOf(error).standsAlone ||
		error.message.endsWith(description)
	)
		return error;
	return restated(ctx.getNode(), error, { message: `${error.message} ${description}` });
}

/** Marks an error as naming its task, so nothing has to look for the id in the text. */
export const namesTask = (error: NodeOperationError, taskId: string) =>
	restated(error.node, error, { facts: { taskId } });

function taskError(
	ctx: IExecuteFunctions,
	task: FreepikTask,
	message: string,
	description: string,
	standsAlone = false,
) {
	const facts = { taskId: task.task_id, ...(standsAlone ? { standsAlone } : {}) };
	return new FreepikOperationError(ctx.getNode(), message, { description }, facts);
}

function failureError(
	ctx: IExecuteFunctions,
	failure: Exclude<Failure, { kind: 'error' }>,
	task: FreepikTask,
): Error {
	const id = task.task_id;
	switch (failure.kind) {
		case 'failed':
			if (isToolMode(ctx))
				return taskError(ctx, task, failedTaskMessage(id), `Task ID: ${id}`, true);
			return taskError(
				ctx,
				task,
				`Freepik task ${id} FAILED`,
				`Freepik reported status FAILED for task ${id} and gave no reason. Check that the ` +
					'input is a supported, non-silent file and that the description names a sound in it. ' +
					`Task ID: ${id}`,
			);
		case 'timeout':
			return taskError(
				ctx,
				task,
				`Freepik task ${id} did not finish within ${Math.round(failure.maxWaitMs / 1000)} s ` +
					`(last status: ${task.status})`,
				`The task is still running on Freepik and was not cancelled. Task ID: ${id}. Pick it ` +
					'up later with the Get operation (Wait for Completion on), or raise "Max Wait Time".',
			);
		case 'noResultFiles':
			return taskError(
				ctx,
				task,
				`Freepik task ${id} completed without result files`,
				'Freepik reported the task COMPLETED but listed no result file, even when asked ' +
					`again. Task ID: ${id}. Try the Get operation later, or run the item again.`,
			);
		case 'cancelled':
			return taskError(
				ctx,
				task,
				`The execution was cancelled [task_id ${id}]`,
				'Waiting stopped because the execution was cancelled. Tasks already created keep ' +
					`running on Freepik. Task ID: ${id} (last status ${task.status})`,
			);
		case 'notFinished':
			return taskError(
				ctx,
				task,
				`Not finished: another item of this batch failed first [task_id ${id}]`,
				`Task ID: ${id} (last status ${task.status})`,
			);
	}
}

function withTaskId(ctx: IExecuteFunctions, error: Error, task: FreepikTask): Error {
	if (factsOf(error).taskId === task.task_id) return error;
	const description = [
		(error as Described).description,
		`Task ID: ${task.task_id} (last status ${task.status})`,
	]
		.filter(Boolean)
		.join('\n');
	return restated(ctx.getNode(), error, {
		message: `${error.message} [task_id ${task.task_id}]`,
		description,
		facts: { taskId: task.task_id },
	});
}

/** The n8n error for a failed outcome (a task's error always names the task). */
export function outcomeError(
	ctx: IExecuteFunctions,
	outcome: Extract<TaskOutcome, { ok: false }>,
): Error {
	const error = errorOf(ctx, outcome);
	const earlier = outcome.earlierTaskIds ?? [];
	const note = `earlier tries created: ${earlier.join(', ')}`;
	// Retry On Fail: the tasks of earlier tries are named too, so none is lost.
	return earlier.length
		? restated(ctx.getNode(), error, { message: `${error.message} (${note})` })
		: error;
}

function errorOf(ctx: IExecuteFunctions, outcome: Extract<TaskOutcome, { ok: false }>): Error {
	const { failure, task } = outcome;
	if (failure.kind === 'error') {
		if (task) return withTaskId(ctx, failure.error, task);
		const isN8nError =
			failure.error instanceof NodeOperationError || failure.error instanceof NodeApiError;
		return isN8nError
			? failure.error
			: new NodeOperationError(ctx.getNode(), failure.error, { itemIndex: outcome.itemIndex });
	}
	if (task) return failureError(ctx, failure, task);
	const message =
		failure.kind === 'cancelled'
			? 'The execution was cancelled'
			: 'Not finished: another item of this batch failed first';
	return new NodeOperationError(ctx.getNode(), message, {
		description: 'No task was created for this item.',
	});
}

/** A failed outcome for an item that never reached the engine (its parameters were invalid). */
export const itemError = (itemIndex: number, error: Error): TaskOutcome => ({
	itemIndex,
	ok: false,
	failure: { kind: 'error', error },
});

/** Outputs in input order; without Continue On Fail the error that stopped the batch is thrown. */
export function toOutputItems(
	ctx: IExecuteFunctions,
	outcomes: TaskOutcome[],
	continueOnFail: boolean,
): INodeExecutionData[] {
	const ordered = [...outcomes].sort((a, b) => a.itemIndex - b.itemIndex);
	if (!continueOnFail) {
		// Throw the error that stopped the batch, not an item that was merely stopped because of it.
		const failed = ordered.filter((o): o is Extract<TaskOutcome, { ok: false }> => !o.ok);
		const cause = failed.find((o) => o.failure.kind !== 'notFinished') ?? failed[0];
		if (cause)
			throw presentError(ctx, withBatchSummary(ctx, outcomeError(ctx, cause), cause, ordered));
	}
	return ordered.map((outcome) => {
		const pairedItem = { item: outcome.itemIndex };
		const earlier = outcome.earlierTaskIds?.length
			? { earlier_task_ids: outcome.earlierTaskIds }
			: {};
		if (!outcome.ok) {
			const error = presentError(ctx, outcomeError(ctx, outcome));
			const json = { ...errorItemJson(error, outcome.task), ...earlier };
			return { json: toErrorOutput(ctx) ? forErrorOutput(json) : json, pairedItem };
		}
		const json = { ...outcome.task, ...earlier } as IDataObject;
		const item: INodeExecutionData = { json, pairedItem };
		if (outcome.binary && Object.keys(outcome.binary).length) item.binary = outcome.binary;
		return item;
	});
}

/** On Error "Continue (using error output)": failed items go to the node's error output. */
const toErrorOutput = (ctx: IExecuteFunctions) => ctx.getNode().onError === 'continueErrorOutput';

/**
 * n8n moves an item to the error output only when its json has no keys but `error`, `message`
 * and `details` (an item's own `error` would do too, but n8n then replaces its json by the
 * message alone, losing the task id): `{ error, details: { task_id, status, errorDescription } }`.
 */
function forErrorOutput(json: IDataObject): IDataObject {
	const { error, ...details } = json;
	return { error, details };
}

/**
 * The Continue On Fail item: `{ task_id, status, error, errorDescription }`
 * (task fields when a task exists).
 */
export function errorItemJson(error: Error, task?: FreepikTask): IDataObject {
	const json: IDataObject = task ? { task_id: task.task_id, status: task.status } : {};
	json.error = error.message;
	const { description } = error as Described;
	if (description) json.errorDescription = description;
	return json;
}

/** Adds every other task of the batch to the thrown error's description, so none is lost. */
function withBatchSummary(
	ctx: IExecuteFunctions,
	error: Error,
	cause: TaskOutcome,
	all: TaskOutcome[],
): Error {
	const others = all.filter((o) => o !== cause && (o.task || o.earlierTaskIds?.length));
	if (!others.length) return error;
	const list = others.map(summaryOf).join(', ');
	const description = [
		(error as Described).description,
		`Other tasks created by this batch: ${list}`,
	]
		.filter(Boolean)
		.join('\n');
	return restated(ctx.getNode(), error, { description });
}

function summaryOf(o: TaskOutcome): string {
	const outcome = o.ok ? '' : o.failure.kind === 'notFinished' ? ', not finished' : ', failed';
	const earlier = o.earlierTaskIds?.length
		? `; earlier tries created ${o.earlierTaskIds.join(', ')}`
		: '';
	const task = o.task
		? `${o.task.task_id} (item ${o.itemIndex}, ${o.task.status}`
		: `(item ${o.itemIndex}`;
	return `${task}${outcome}${earlier})`;
}
