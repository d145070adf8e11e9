import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { JobResult } from './polling';
import type { FreepikTask } from './types';

type ErrorWithDescription = Error & { description?: string | null };

/**
 * Turns the engine's results into output items in input order, each paired with its input item.
 * With Continue On Fail an error becomes an item `{ task_id, status, error }`; without it the first
 * error is thrown, and its description lists every task this batch created so none is lost.
 */
export function toOutputItems(
	ctx: IExecuteFunctions,
	results: JobResult[],
	continueOnFail: boolean,
): INodeExecutionData[] {
	const ordered = [...results].sort((a, b) => a.itemIndex - b.itemIndex);
	if (!continueOnFail) {
		// Throw the error that stopped the batch, not an item that was merely stopped because of it.
		const failed =
			ordered.find((result) => result.error && !result.notFinished) ??
			ordered.find((result) => result.error);
		if (failed) throw withBatchSummary(ctx, failed, ordered);
	}
	return ordered.map((result) => {
		const pairedItem = { item: result.itemIndex };
		if (result.error) return { json: errorItemJson(result.error, result.task), pairedItem };
		const item: INodeExecutionData = { json: { ...result.task! } as IDataObject, pairedItem };
		if (result.binary && Object.keys(result.binary).length) item.binary = result.binary;
		return item;
	});
}

/** The Continue On Fail item: `{ task_id, status, error, errorDescription }` (task fields when a task exists). */
export function errorItemJson(error: Error, task?: FreepikTask): IDataObject {
	const json: IDataObject = task ? { task_id: task.task_id, status: task.status } : {};
	json.error = error.message;
	const { description } = error as ErrorWithDescription;
	if (description) json.errorDescription = description;
	return json;
}

function withBatchSummary(ctx: IExecuteFunctions, failed: JobResult, all: JobResult[]): Error {
	const others = all.filter((r) => r !== failed && r.task);
	const error = failed.error as ErrorWithDescription;
	if (!others.length) return error;
	const list = others
		.map((r) => {
			const outcome = !r.error ? '' : r.notFinished ? ', not finished' : ', failed';
			return `${r.task!.task_id} (item ${r.itemIndex}, ${r.task!.status}${outcome})`;
		})
		.join(', ');
	const description = [error.description, `Other tasks created by this batch: ${list}`].filter(Boolean).join('\n');
	if ('description' in error || error instanceof NodeOperationError) {
		error.description = description;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error.message, { description, itemIndex: failed.itemIndex });
}
