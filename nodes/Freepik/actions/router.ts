import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BatchSettings, Tuning } from '../engine/batch';
import { endTry, startTry } from '../helpers/retryReuse';
import * as audioIsolation from './audioIsolation';
import { readBatchSettings } from './audioIsolation/shared';

type OperationModule = {
	execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
		settings: BatchSettings,
	): Promise<INodeExecutionData[]>;
};

const resources: Record<string, Record<string, OperationModule>> = {
	audioIsolation: {
		isolate: audioIsolation.isolate,
		get: audioIsolation.get,
		getAll: audioIsolation.getAll,
	},
};

/**
 * Hands the whole batch of input items to one operation (operations wait for all items at once),
 * with the batch's settings read once.
 */
export async function router(
	this: IExecuteFunctions,
	tuning: Tuning,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	startTry(this);
	let output: INodeExecutionData[][] | undefined;
	try {
		output = [await handler.execute.call(this, items, readBatchSettings(this, tuning))];
		return output;
	} finally {
		endTry(this, output);
	}
}
