import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as audioIsolation from './actions/audioIsolation';
import type { Tuning } from './helpers/batch';
import { toolDescriptionFields } from './actions/audioIsolation/tool';
import { router } from './actions/router';

export class Freepik implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Freepik',
		name: 'freepik',
		icon: { light: 'file:freepik.svg', dark: 'file:freepik.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"isolate": "Isolate sound", "get": "Get task", "getAll": "Get many tasks"}[$parameter["operation"]] }}',
		description: "Isolate a voice or instrument from audio or video with Freepik's (Magnific's) AI Audio Isolation",
		defaults: { name: 'Freepik' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'freepikApi', required: true }],
		properties: [
			...toolDescriptionFields,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Audio Isolation', value: 'audioIsolation' }],
				default: 'audioIsolation',
			},
			...audioIsolation.description,
		],
	};

	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

	/** n8n constructs the node without arguments; tests pass shorter retry waits or a virtual clock. */
	constructor(tuning: Tuning = {}) {
		this.execute = async function (this: IExecuteFunctions) {
			return await router.call(this, tuning);
		};
	}
}
