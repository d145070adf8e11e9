/**
 * The credential as n8n uses it: stored data → n8n's defaults → the credential's authenticate →
 * n8n-core's HTTP request, against the simulator. Freepik and Magnific are one API under two hosts,
 * each with its own key header; exactly one key header goes to exactly one host.
 */
import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';

import { FreepikApi } from '../../credentials/FreepikApi.credentials';
import { Freepik } from '../../nodes/Freepik/Freepik.node';
import { API_HOSTS, KEY_HEADERS } from '../../nodes/Freepik/transport/apiHost';
import type { RecordedRequest, Simulator } from '../../simulator';
import { API_KEY, isolateFromUrl, readBinary, startSimulator } from '../helpers/freepik';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness = require('../../harness/n8n-harness') as typeof import('../../harness/n8n-harness');

type StoredCredential = Record<string, unknown>;

async function runNode(
	nodeType: INodeType,
	credential: StoredCredential,
	parameters: Record<string, unknown>,
) {
	return (await harness.runNode({
		nodeType,
		credentialTypes: { freepikApi: new FreepikApi() },
		credentials: { freepikApi: credential },
		parameters,
	})) as {
		items: Array<{ json: Record<string, any>; binary?: Record<string, any> }>;
		error?: { message: string; description?: string };
	};
}

const isolate = (credential: StoredCredential) =>
	runNode(new Freepik(), credential, {
		resource: 'audioIsolation',
		...isolateFromUrl({ waitForCompletion: true, downloadResult: true }),
	});

/**
 * A node that only sends the credential's test request, built the way n8n's credential tester
 * builds it (a declarative property whose routing is `test.request`), so n8n-core's routing code
 * sends it through the credential's authenticate.
 */
function credentialTester(): INodeType {
	return {
		description: {
			displayName: 'Credential test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'freepikApi', required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: new FreepikApi().test.request },
				},
			],
		},
	} as unknown as INodeType;
}
const credentialTest = (credential: StoredCredential) =>
	runNode(credentialTester(), credential, {});

/**
 * What Custom API Call runs: HTTP Request 4.x sends through n8n's legacy
 * `requestWithAuthentication`, whose options name the URL `uri` (not `url`).
 */
function legacyRequester(uri: string): INodeType {
	return {
		description: { ...credentialTester().description, name: 'legacyRequest', properties: [] },
		async execute(this: IExecuteFunctions) {
			const body = (await this.helpers.requestWithAuthentication.call(this, 'freepikApi', {
				uri,
				method: 'GET',
				json: true,
			})) as IDataObject;
			return [[{ json: body }]];
		},
	} as unknown as INodeType;
}
const customApiCall = (credential: StoredCredential, uri: string) =>
	runNode(legacyRequester(uri), credential, {});

/** Key headers a request carried, by name. */
const keyHeadersOf = (r: RecordedRequest) =>
	Object.fromEntries(
		KEY_HEADERS.filter((h) => r.headers[h] !== undefined).map((h) => [h, r.headers[h]]),
	);

describe('Freepik API credential', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset({ options: true }));

	describe.each([
		['x-freepik-api-key', 'custom', 'x-freepik-api-key'],
		['x-magnific-api-key', 'custom', 'x-magnific-api-key'],
	] as const)('API Host Custom, header %s', (keyHeader, apiHost, credentialHeader) => {
		beforeEach(() => sim.configure({ keyHeader }));

		it('sends the key in that one header to the Base URL only, and the result downloads without it', async () => {
			const result = await isolate({
				apiKey: API_KEY,
				apiHost,
				keyHeader: credentialHeader,
				baseUrl: sim.apiUrl,
			});
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.status).toBe('COMPLETED');
			expect((await readBinary(result.items[0].binary!.data)).length).toBeGreaterThan(44);

			const apiRequests = sim.requests.filter((r) => r.server === 'api');
			expect(apiRequests.map((r) => r.route)).toEqual(expect.arrayContaining(['create', 'get']));
			for (const r of apiRequests) expect(keyHeadersOf(r)).toEqual({ [keyHeader]: API_KEY });
			const downloads = sim.requests.filter((r) => r.server === 'file');
			expect(downloads.length).toBeGreaterThan(0);
			for (const r of downloads) expect(keyHeadersOf(r)).toEqual({});
		});

		it('the credential test lists tasks on the Base URL with that header and succeeds', async () => {
			const result = await credentialTest({
				apiKey: API_KEY,
				apiHost,
				keyHeader: credentialHeader,
				baseUrl: sim.apiUrl,
			});
			expect(result.error).toBeUndefined();
			const [list, ...rest] = sim.requests;
			expect(rest).toEqual([]);
			expect(list).toMatchObject({ server: 'api', route: 'list', method: 'GET', status: 200 });
			expect(keyHeadersOf(list)).toEqual({ [keyHeader]: API_KEY });
		});
	});

	it('a key in the header the host does not read is refused (the simulator requires the chosen header)', async () => {
		sim.configure({ keyHeader: 'x-magnific-api-key' });
		const result = await credentialTest({
			apiKey: API_KEY,
			apiHost: 'custom',
			keyHeader: 'x-freepik-api-key',
			baseUrl: sim.apiUrl,
		});
		expect(result.error).toBeDefined();
		// (n8n-core repeats a request answered 401 once, after its pre-authentication step.)
		expect(sim.requests.length).toBeGreaterThan(0);
		for (const r of sim.requests) {
			expect(r).toMatchObject({ route: 'list', status: 401 });
			expect(keyHeadersOf(r)).toEqual({ 'x-freepik-api-key': API_KEY });
		}
	});

	it('the credential test does not follow a redirect: the key never reaches the redirect target', async () => {
		sim.addFault({ route: 'list', kind: 'redirect', location: `${sim.fileUrl}/elsewhere` });
		const result = await credentialTest({
			apiKey: API_KEY,
			apiHost: 'custom',
			baseUrl: sim.apiUrl,
		});
		expect(result.error).toBeDefined();
		expect(sim.requests.map((r) => [r.server, r.status])).toEqual([['api', 302]]);
	});

	it.each([
		['http://example.com', /must start with https:\/\//],
		['ftp://127.0.0.1', /must start with https:\/\//],
		['not a url', /not a valid URL/],
		['https://user:secret@api.freepik.com', /user name or password/],
	])(
		'rejects Base URL %s with a clear error before any request (node and credential test)',
		async (baseUrl, message) => {
			const credential = { apiKey: API_KEY, apiHost: 'custom', baseUrl };
			for (const result of [await isolate(credential), await credentialTest(credential)]) {
				expect(result.error?.message).toMatch(/Base URL/);
				expect(result.error?.message).toMatch(message);
				expect(result.error?.message).not.toContain(API_KEY);
			}
			expect(sim.requests).toEqual([]);
		},
	);

	describe('Custom API Call (HTTP Request 4.x: legacy request options with `uri`)', () => {
		const credential = () => ({ apiKey: API_KEY, apiHost: 'custom', baseUrl: sim.apiUrl });

		it('lists tasks on the API host with the key in its one header', async () => {
			const result = await customApiCall(credential(), `${sim.apiUrl}/v1/ai/audio-isolation`);
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.data).toEqual(expect.any(Array));
			expect(sim.requests.map((r) => [r.route, r.status, keyHeadersOf(r)])).toEqual([
				['list', 200, { 'x-freepik-api-key': API_KEY }],
			]);
		});

		it('refuses a URL on another origin before sending: the key never leaves the API host', async () => {
			const result = await customApiCall(credential(), `${sim.fileUrl}/v1/ai/audio-isolation`);
			expect(result.error?.message).toMatch(/only sent to the credential's host/);
			expect(result.error?.message).not.toContain(API_KEY);
			expect(sim.requests).toEqual([]);
		});
	});

	it('opens on Freepik; Base URL and API Key Header show only for Custom, pre-filled with Freepik', () => {
		const properties = new FreepikApi().properties;
		const apiHost = properties.find((p) => p.name === 'apiHost')!;
		expect(apiHost.options?.map((o) => ('value' in o ? o.value : undefined))).toEqual([
			'freepik',
			'magnific',
			'custom',
		]);
		expect(apiHost.default).toBe('freepik');
		const shownOnOpen = properties.filter((p) => {
			const show = p.displayOptions?.show?.apiHost;
			return !show || show.includes(apiHost.default as string);
		});
		expect(shownOnOpen.map((p) => p.displayName)).toEqual([
			'API Key',
			'API Host',
			'Webhook Secret',
		]);
		for (const name of ['baseUrl', 'keyHeader'])
			expect(properties.find((p) => p.name === name)?.displayOptions).toEqual({
				show: { apiHost: ['custom'] },
			});
		expect(properties.find((p) => p.name === 'baseUrl')?.default).toBe(API_HOSTS.freepik.baseUrl);
		expect(properties.find((p) => p.name === 'keyHeader')?.default).toBe(
			API_HOSTS.freepik.keyHeader,
		);
	});
});
