import type {
	IAuthenticate,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { API_HOSTS, authenticateRequest } from '../nodes/Freepik/transport/apiHost';

const hostDescription = (host: keyof typeof API_HOSTS) =>
	`${API_HOSTS[host].baseUrl}, key in the ${API_HOSTS[host].keyHeader} header`;

export class FreepikApi implements ICredentialType {
	name = 'freepikApi';

	displayName = 'Freepik API';

	icon: Icon = {
		light: 'file:../nodes/Freepik/freepik.svg',
		dark: 'file:../nodes/Freepik/freepik.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-freepik/n8n-nodes-freepik#credential-freepik-api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Your API key, from the API dashboard on freepik.com or magnific.com ' +
				'(the same API under two names)',
		},
		{
			displayName: 'API Host',
			name: 'apiHost',
			type: 'options',
			options: [
				{
					name: 'Freepik',
					value: 'freepik',
					description: hostDescription('freepik'),
				},
				{
					name: 'Magnific',
					value: 'magnific',
					description: hostDescription('magnific'),
				},
				{
					name: 'Custom',
					value: 'custom',
					description: 'A Base URL and key header of your choice (a proxy or a test server)',
				},
			],
			default: 'freepik',
			description:
				'Freepik and Magnific are the same API; use the host whose dashboard issued your key',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: API_HOSTS.freepik.baseUrl,
			description:
				'Where the API lives: https, or http only for localhost. ' +
				'The API key is sent to this host and nowhere else.',
			displayOptions: { show: { apiHost: ['custom'] } },
		},
		{
			displayName: 'API Key Header',
			name: 'keyHeader',
			type: 'options',
			options: [
				{ name: 'X-Freepik-Api-Key', value: API_HOSTS.freepik.keyHeader },
				{ name: 'X-Magnific-Api-Key', value: API_HOSTS.magnific.keyHeader },
			],
			default: API_HOSTS.freepik.keyHeader,
			description: 'The header that carries the API key (no other key header is sent)',
			displayOptions: { show: { apiHost: ['custom'] } },
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Verifies the signatures of Freepik's webhooks. Required by the Freepik node's " +
				'Wait Mode "Resume on Webhook"; the Freepik Trigger accepts unverified events ' +
				'without it (and then never downloads results).',
		},
		{
			displayName: 'Previous Webhook Secret',
			name: 'previousWebhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'During a secret rotation, the secret being replaced: webhooks signed with either ' +
				'are accepted. Clear it once the rotation is over.',
			// Only a rotation needs it: a new credential shows API Key, API Host and Webhook Secret.
			displayOptions: { hide: { webhookSecret: [''] } },
		},
	];

	// A function, not generic headers: the header name depends on the API Host, and the key must not
	// go to any other host.
	authenticate: IAuthenticate = authenticateRequest;

	// Listing tasks is free: it proves the key without creating (and paying for) a task.
	// `authenticate` resolves this relative URL against the chosen host (the node's fallback) and
	// turns redirects off.
	test: ICredentialTestRequest = {
		request: {
			url: '/v1/ai/audio-isolation',
			method: 'GET',
			disableFollowRedirect: true,
		},
	};
}
