import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as isolate from './isolate.operation';

export { get, getAll, isolate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['audioIsolation'] } },
		options: [
			{
				name: 'Isolate',
				value: 'isolate',
				action: 'Isolate a sound from audio or video',
				description: 'Keep only the sound you describe (a voice, an instrument) and get a WAV',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get an isolation task',
				description: 'Get a task by ID, optionally wait for it and download its result',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many isolation tasks',
				description: "List your account's audio isolation tasks",
			},
		],
		default: 'isolate',
	},
	...isolate.description,
	...get.description,
	...getAll.description,
];
