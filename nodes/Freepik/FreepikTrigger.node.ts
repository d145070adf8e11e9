import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { acceptTask, attachResults, authenticate, taskItem } from './trigger/webhookSteps';
import { readDelivery } from './webhook/delivery';
import { DEFAULT_TOLERANCE_SECONDS } from './webhook/signature';

export class FreepikTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Freepik Trigger',
		name: 'freepikTrigger',
		icon: { light: 'file:freepik.svg', dark: 'file:freepik.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when Freepik (Magnific) reports an audio-isolation task status change',
		defaults: {
			name: 'Freepik Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'freepikApi',
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty: n8n 2.40 otherwise falls back to 'firstEntryJson' and answers that literal
				// string; with '' it answers {"message":"Workflow was started"}.
				responseData: '',
				path: 'freepik',
			},
		],
		properties: [
			{
				displayName:
					"Paste this node's Production URL into the Freepik node's Webhook URL option. " +
					"Events are verified with the credential's Webhook Secret.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Completed',
						value: 'COMPLETED',
						description: 'The task finished and its WAV result is ready',
					},
					{ name: 'Created', value: 'CREATED', description: 'The task was accepted' },
					{ name: 'Failed', value: 'FAILED', description: 'The task failed' },
					{ name: 'In Progress', value: 'IN_PROGRESS', description: 'The task is being processed' },
				],
				default: ['COMPLETED', 'FAILED'],
				required: true,
				description:
					'Task statuses that start the workflow. Other events are acknowledged and ignored.',
			},
			{
				displayName: 'Download Result',
				name: 'downloadResult',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the generated WAV file(s) of a completed task as binary data ' +
					'(the signed URLs expire). Only for signed events: needs a Webhook Secret in the ' +
					'credential.',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'outputBinaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				displayOptions: { show: { downloadResult: [true] } },
				description:
					'Binary field for the first file; further files go to &lt;field&gt;_1, &lt;field&gt;_2, …',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_TOLERANCE_SECONDS,
						description:
							'How far (past or future) the webhook-timestamp may be from now; older ' +
							'requests are refused as replays',
					},
				],
			},
		],
	};

	/**
	 * Freepik has no webhook registration API: the URL travels with each task (the Freepik
	 * node's "Webhook URL" option). Nothing to create or delete on Freepik's side.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const delivery = await readDelivery(this);
		const { signed, refusal } = await authenticate(this, delivery);
		if (refusal) return refusal;
		const { task, skip } = acceptTask(this, delivery);
		if (skip) return skip;
		return await attachResults(this, delivery, task, taskItem(task, delivery), signed);
	}
}
