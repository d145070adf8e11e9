import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { TaskJob } from '../../helpers/jobTypes';
import type { BatchSettings } from '../../engine/batch';
import { FIELDS } from '../../helpers/fields';
import { checkTaskId } from '../../helpers/validation';
import type { RequestBody } from '../../transport';
import {
	batchOptionFields,
	optionsCollection,
	readOptions,
	readWaitSettings,
	runTaskOperation,
	tuningCollection,
	waitFields,
	waitOptionFields,
} from './shared';
import { isToolMode, noteTemporaryLinks, withToolVariant } from '../../helpers/toolMode';
import { FROM_AI_HINTS, fromAi } from './tool';

const properties: INodeProperties[] = [
	...withToolVariant(
		{
			displayName: FIELDS.taskId.label,
			name: 'taskId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 046b6c7f-0b8a-43b9-b35d-6489e6daee91',
			description: 'The task_id returned by the Isolate operation or a Freepik Trigger',
		},
		{ default: fromAi('Task_ID', FROM_AI_HINTS.taskId) },
	),
	...waitFields(false),
	{
		displayName: 'Download Result',
		name: 'downloadResult',
		type: 'boolean',
		default: true,
		displayOptions: { show: { waitForCompletion: [false], '@tool': [false] } },
		description:
			'Whether to download the isolated WAV into the output binary field if the task is ' +
			'already COMPLETED',
	},
	optionsCollection(waitOptionFields),
	tuningCollection(batchOptionFields),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['audioIsolation'], operation: ['get'] } },
	properties,
);

function jobOf(ctx: IExecuteFunctions, i: number): TaskJob<RequestBody> {
	const taskId = checkTaskId(ctx, i, ctx.getNodeParameter('taskId', i));
	const download = !isToolMode(ctx) && (ctx.getNodeParameter('downloadResult', i, true) as boolean);
	const wait = readWaitSettings(ctx, i, readOptions(ctx, i), download);
	if (ctx.getNodeParameter('waitForCompletion', i, false) as boolean)
		return { kind: 'getAndWait', itemIndex: i, taskId, wait };
	return {
		kind: 'getOnce',
		itemIndex: i,
		taskId,
		downloadTo: wait.downloadTo,
		pollIntervalMs: wait.pollIntervalMs,
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	settings: BatchSettings,
): Promise<INodeExecutionData[]> {
	const output = await runTaskOperation(this, items.length, settings, (i) => jobOf(this, i));
	return isToolMode(this) ? noteTemporaryLinks(output) : output;
}
