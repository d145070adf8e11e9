import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { eachItem, type Tuning } from '../../engine/batch';
import { DEFAULTS } from '../../helpers/limits';
import { toOutputItems } from '../../helpers/outputs';
import { checkRange } from '../../helpers/validation';
import { FreepikClient } from '../../transport';
import { batchOptionFields, readBatchSettings, tuningCollection } from './shared';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		hint: `Follows the list's pages, at most ${DEFAULTS.listMaxPages} pages`,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50, // DEFAULTS.limit (literal for lint; Freepik.node.test.ts checks)
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	tuningCollection(batchOptionFields.filter((field) => field.name !== 'maxTasksInFlight')),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['audioIsolation'], operation: ['getAll'] } },
	properties,
);

/**
 * One output item per task (newest first, as Freepik lists them), each paired with its input item.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	tuning: Tuning,
): Promise<INodeExecutionData[]> {
	const client = await FreepikClient.create(this, {
		...tuning.client,
		...readBatchSettings(this).client,
	});
	const { done, failed } = await eachItem(
		this,
		items.length,
		async (i) => await listTasks(this, client, i),
	);
	const output = toOutputItems(this, failed, true);
	for (const { itemIndex, value: tasks } of done) {
		for (const task of tasks)
			output.push({ json: { ...task } as IDataObject, pairedItem: { item: itemIndex } });
	}
	return output.sort(
		(a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item,
	);
}

async function listTasks(ctx: IExecuteFunctions, client: FreepikClient, i: number) {
	const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll
		? Infinity
		: checkRange(
				ctx,
				i,
				'Limit',
				ctx.getNodeParameter('limit', i, DEFAULTS.limit),
				{ min: 1, max: Number.MAX_SAFE_INTEGER },
				true,
			);
	const { tasks, morePages } = await client.listTasks(i, limit);
	if (morePages) {
		ctx.logger.warn(
			`Freepik Get Many: stopped after ${DEFAULTS.listMaxPages} pages (${tasks.length} tasks); ` +
				'the list has more pages. Newer tasks come first, so the oldest ones are missing.',
		);
	}
	return tasks;
}
