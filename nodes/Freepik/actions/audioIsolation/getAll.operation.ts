import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { errorItemJson } from '../../helpers/outputs';
import { checkRange } from '../../helpers/validation';
import { FreepikClient } from '../../transport';
import { batchOptionFields, readBatchSettings } from './shared';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: batchOptionFields.filter((field) => field.name !== 'maxTasksInFlight'),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['audioIsolation'], operation: ['getAll'] } },
	properties,
);

/** One output item per task (newest first, as Freepik lists them), each paired with its input item. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const client = await FreepikClient.create(this, readBatchSettings(this).client);
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		// Errors are already NodeApiError/NodeOperationError: keep them as they are.
		const outcome = await listTasks(this, client, i).then(
			(tasks) => ({ tasks }),
			(error: Error) => ({ error }),
		);
		if ('error' in outcome) {
			if (!this.continueOnFail()) throw outcome.error;
			output.push({ json: errorItemJson(outcome.error), pairedItem: { item: i } });
			continue;
		}
		for (const task of outcome.tasks) output.push({ json: { ...task } as IDataObject, pairedItem: { item: i } });
	}
	return output;
}

async function listTasks(ctx: IExecuteFunctions, client: FreepikClient, i: number) {
	const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll
		? Infinity
		: checkRange(ctx, i, 'Limit', ctx.getNodeParameter('limit', i, 50), { min: 1, max: Number.MAX_SAFE_INTEGER }, true);
	return (await client.listTasks(i)).slice(0, limit);
}
