import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class FreepikApi implements ICredentialType {
	name = 'freepikApi';

	displayName = 'Freepik API';

	icon: Icon = {
		light: 'file:../nodes/Freepik/freepik.svg',
		dark: 'file:../nodes/Freepik/freepik.dark.svg',
	};

	documentationUrl = 'https://docs.freepik.com/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your Freepik API key, from the API dashboard on freepik.com',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.freepik.com',
			description:
				'Where the Freepik API lives. Change it only to use a proxy or a test server; the API key is sent to this host and nowhere else.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Secret used by the Freepik Trigger node to verify webhook signatures. Leave empty only if you accept unverified events.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-freepik-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	// Listing tasks is free: it proves the key without creating (and paying for) a task.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/ai/audio-isolation',
			method: 'GET',
		},
	};
}
