import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { toOutputItems } from '../../helpers/outputs';
import { runTaskJobs, type JobResult, type TaskJob } from '../../helpers/polling';
import { checkTaskId } from '../../helpers/validation';
import { isToolMode, noteTemporaryLinks, withToolVariant } from '../../helpers/toolMode';
import { FreepikClient } from '../../transport';
import { batchOptionFields, readBatchSettings, readOptions, readWaitSettings, waitFields, waitOptionFields } from './shared';
import { FROM_AI_HINTS, fromAi } from './tool';

const properties: INodeProperties[] = [
	...withToolVariant(
		{
			displayName: 'Task ID',
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
		description: 'Whether to download the isolated WAV into the output binary field if the task is already COMPLETED',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...waitOptionFields, ...batchOptionFields],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['audioIsolation'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const settings = readBatchSettings(this);
	const results: JobResult[] = [];
	const jobs: TaskJob[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const taskId = checkTaskId(this, i, this.getNodeParameter('taskId', i));
			const settingsForItem = readWaitSettings(this, i, readOptions(this, i), !isToolMode(this) && (this.getNodeParameter('downloadResult', i, true) as boolean));
			const wait = this.getNodeParameter('waitForCompletion', i, false) as boolean;
			jobs.push(wait ? { itemIndex: i, taskId, wait: settingsForItem } : { itemIndex: i, taskId, downloadIfCompleted: settingsForItem });
		} catch (error) {
			if (!continueOnFail) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			results.push({ itemIndex: i, error: error as Error });
		}
	}
	if (jobs.length) {
		const client = await FreepikClient.create(this, settings.client);
		results.push(...(await runTaskJobs(this, client, jobs, { ...settings.engine, stopOnFirstError: !continueOnFail })));
	}
	const output = toOutputItems(this, results, continueOnFail);
	return isToolMode(this) ? noteTemporaryLinks(output) : output;
}
