import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as audioIsolation from './actions/audioIsolation';
import type { Tuning } from './engine/batch';
import { toolDescriptionFields } from './actions/audioIsolation/tool';
import { router } from './actions/router';
import { readCallbackClientSettings } from './actions/audioIsolation/shared';
import { resumeOnCallback } from './resume/callback';

export class Freepik implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Freepik',
		name: 'freepik',
		icon: { light: 'file:freepik.svg', dark: 'file:freepik.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {isolate:"Isolate Sound",get:"Get Task",getAll:"Get Many Tasks"}[$parameter.operation] }}',
		description:
			"Isolate a voice or instrument from audio or video with Freepik's (Magnific's) AI " +
			'Audio Isolation',
		defaults: { name: 'Freepik' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'freepikApi', required: true }],
		// Freepik's callbacks to a waiting execution (Isolate with Wait Mode "Resume on Webhook").
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
		],
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

	webhook: (this: IWebhookFunctions) => Promise<IWebhookResponseData>;

	/** Nothing to register: each task carries its execution's resume URL as `webhook_url`. */
	webhookMethods = {
		default: {
			checkExists: async () => true,
			create: async () => true,
			delete: async () => true,
		},
	};

	/**
	 * n8n constructs the node without arguments; tests pass shorter retry waits or a virtual clock.
	 */
	constructor(tuning: Tuning = {}) {
		this.execute = async function (this: IExecuteFunctions) {
			return await router.call(this, tuning);
		};
		this.webhook = async function (this: IWebhookFunctions) {
			return await resumeOnCallback(this, tuning, readCallbackClientSettings);
		};
	}
}
