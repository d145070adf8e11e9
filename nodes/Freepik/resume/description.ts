import type { INodeProperties } from 'n8n-workflow';

import { largestBatch } from './packing';

export type WaitMode = 'poll' | 'webhook';

/** The Wait Mode parameter of Isolate, shown when Wait for Completion is on. */
export const waitModeField: INodeProperties = {
	displayName: 'Wait Mode',
	name: 'waitMode',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { waitForCompletion: [true] } },
	options: [
		{
			name: 'Poll',
			value: 'poll',
			description:
				'The node asks Freepik until every task is done; the execution keeps running meanwhile',
		},
		{
			name: 'Resume on Webhook',
			value: 'webhook',
			description: 'The execution pauses without running and resumes when Freepik calls back',
		},
	],
	default: 'poll',
	description: 'How to wait for the tasks',
};

/** What Resume on Webhook needs, shown under Wait Mode once chosen (as n8n's Wait node does). */
export const waitModeNotice: INodeProperties = {
	displayName:
		'Resume on Webhook needs n8n 2.x, a Webhook Secret in the credential and an n8n that ' +
		`Freepik can reach (WEBHOOK_URL); at most ${largestBatch()} items per run`,
	name: 'waitModeNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { waitForCompletion: [true], waitMode: ['webhook'] } },
};
