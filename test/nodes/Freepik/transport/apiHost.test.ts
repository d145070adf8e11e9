/**
 * Host and key-header resolution for the presets whose hosts tests cannot reach (api.freepik.com,
 * api.magnific.com): what n8n would send. The Custom option and saved old credentials run against
 * the simulator in test/credentials.
 */
import {
	API_HOSTS,
	authenticateRequest,
	checkBaseUrl,
	resolveApiHost,
} from '../../../../nodes/Freepik/transport/apiHost';

const KEY = 'sk-unit-7d1e';

describe('API host', () => {
	it.each([
		['freepik', 'https://api.freepik.com', 'x-freepik-api-key', 'x-magnific-api-key'],
		['magnific', 'https://api.magnific.com', 'x-magnific-api-key', 'x-freepik-api-key'],
	])('%s: the key goes to %s in %s only', async (apiHost, baseUrl, header, otherHeader) => {
		// A Base URL left over from Custom is ignored by a preset.
		const credentials = { apiKey: KEY, apiHost, baseUrl: 'http://127.0.0.1:9' };
		expect(resolveApiHost(credentials)).toEqual({ baseUrl, keyHeader: header });

		const sent = await authenticateRequest(credentials, {
			url: `${baseUrl}/v1/ai/audio-isolation/abc`,
			headers: { accept: 'application/json', [otherHeader.toUpperCase()]: 'stale' },
		});
		expect(sent.url).toBe(`${baseUrl}/v1/ai/audio-isolation/abc`);
		expect(sent.headers).toEqual({ accept: 'application/json', [header]: KEY });
		expect(sent.disableFollowRedirect).toBe(true);

		// The credential test's relative request goes to the same host.
		const test = await authenticateRequest(credentials, {
			url: '/v1/ai/audio-isolation',
			method: 'GET',
		});
		expect(test).toMatchObject({
			baseURL: baseUrl,
			url: '/v1/ai/audio-isolation',
			headers: { [header]: KEY },
		});

		// An absolute URL wins over a baseURL (as in axios): it is what is checked.
		await expect(
			authenticateRequest(credentials, {
				url: 'https://files.example.com/x.wav',
				baseURL: baseUrl,
			}),
		).rejects.toThrow(`only sent to the credential's host (${baseUrl})`);
	});

	it('Custom without a header choice uses x-freepik-api-key; without API Host it is Freepik', () => {
		expect(
			resolveApiHost({ apiHost: 'custom', baseUrl: 'https://proxy.example.com/freepik/' }),
		).toEqual({
			baseUrl: 'https://proxy.example.com/freepik',
			keyHeader: 'x-freepik-api-key',
		});
		// Custom with an empty Base URL means Freepik's; no API Host is the field's default, Freepik.
		expect(resolveApiHost({ apiHost: 'custom', baseUrl: '' })).toEqual({ ...API_HOSTS.freepik });
		expect(resolveApiHost({ baseUrl: 'https://proxy.example.com' })).toEqual({
			...API_HOSTS.freepik,
		});
		expect(resolveApiHost({})).toEqual({ ...API_HOSTS.freepik });
	});

	it('Custom keeps a path prefix and refuses URLs outside it', async () => {
		const credentials = {
			apiKey: KEY,
			apiHost: 'custom',
			keyHeader: 'x-magnific-api-key',
			baseUrl: 'https://proxy.example.com/magnific',
		};
		const ok = await authenticateRequest(credentials, {
			url: 'https://proxy.example.com/magnific/v1/ai/audio-isolation',
		});
		expect(ok.headers).toEqual({ 'x-magnific-api-key': KEY });
		await expect(
			authenticateRequest(credentials, { url: 'https://proxy.example.com/magnific-other/v1' }),
		).rejects.toThrow(/only sent/);
	});

	it('rejects an unknown API Host or header with the field name', () => {
		expect(() => resolveApiHost({ apiHost: 'freepick' })).toThrow(/API Host "freepick"/);
		expect(() => resolveApiHost({ apiHost: 'custom', keyHeader: 'authorization' })).toThrow(
			/API Key Header "authorization"/,
		);
	});

	it.each([
		'http://localhost:5678',
		'http://127.0.0.1:1234/api',
		'http://127.8.0.1',
		'http://[::1]:80',
		'https://api.example.com',
	])('accepts Base URL %s', (url) => expect(checkBaseUrl(url)).toBe(url));

	it.each([
		'http://api.freepik.com',
		'http://localhost.example.com',
		'http://10.0.0.1',
		'http://127.0.0.1.nip.io',
	])('rejects plain http to a host that is not loopback: %s', (url) =>
		expect(() => checkBaseUrl(url)).toThrow(/must start with https:\/\//),
	);
});
