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
			description:
				'The execution waits without running and resumes when Freepik calls back. Needs n8n ' +
				'2.x, a Webhook Secret in the credential, n8n reachable by Freepik (WEBHOOK_URL); at ' +
				`most ${largestBatch()} items per run.`,
		},
	],
	default: 'poll',
	description: 'How to wait for the tasks',
};
