import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { eachItem, type BatchSettings } from '../../engine/batch';
import { FIELDS } from '../../helpers/fields';
import { DEFAULTS } from '../../helpers/limits';
import { toOutputItems } from '../../helpers/outputs';
import { checkRange } from '../../helpers/validation';
import { FreepikClient } from '../../transport';
import { batchOptionFields, tuningCollection } from './shared';

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
		displayName: FIELDS.limit.label,
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: FIELDS.limit.min },
		default: 50,
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
	settings: BatchSettings,
): Promise<INodeExecutionData[]> {
	const client = await FreepikClient.create(this, settings.client);
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
		: checkRange(ctx, i, FIELDS.limit, ctx.getNodeParameter('limit', i, FIELDS.limit.default));
	const { tasks, morePages } = await client.listTasks(i, limit);
	if (morePages) {
		ctx.logger.warn(
			`Freepik Get Many: stopped after ${DEFAULTS.listMaxPages} pages (${tasks.length} tasks); ` +
				'the list has more pages. Newer tasks come first, so the oldest ones are missing.',
		);
	}
	return tasks;
}
