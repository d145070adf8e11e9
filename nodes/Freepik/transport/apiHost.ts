import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** The same API answers under both names; each host documents its own key header. */
export const API_HOSTS = {
	freepik: { baseUrl: 'https://api.freepik.com', keyHeader: 'x-freepik-api-key' },
	magnific: { baseUrl: 'https://api.magnific.com', keyHeader: 'x-magnific-api-key' },
} as const;

export const KEY_HEADERS = [API_HOSTS.freepik.keyHeader, API_HOSTS.magnific.keyHeader] as const;
export type KeyHeader = (typeof KEY_HEADERS)[number];

export interface ApiHost {
	/** Without a trailing slash. */
	baseUrl: string;
	keyHeader: KeyHeader;
}

/**
 * Where the API key goes, and in which header. `apiHost` missing means the field's default,
 * Freepik. Throws an Error naming the field when the credential is not usable.
 */
export function resolveApiHost(credentials: ICredentialDataDecryptedObject): ApiHost {
	const choice = credentials.apiHost ?? 'freepik';
	if (choice === 'freepik' || choice === 'magnific') return { ...API_HOSTS[choice] };
	if (choice !== 'custom')
		throw new Error(`API Host "${String(choice)}" is not one of Freepik, Magnific, Custom`);
	const keyHeader = credentials.keyHeader ?? API_HOSTS.freepik.keyHeader;
	if (!KEY_HEADERS.includes(keyHeader as KeyHeader)) {
		throw new Error(
			`API Key Header "${String(keyHeader)}" must be one of ${KEY_HEADERS.join(', ')}`,
		);
	}
	const baseUrl = checkBaseUrl(String(credentials.baseUrl || API_HOSTS.freepik.baseUrl));
	return { baseUrl, keyHeader: keyHeader as KeyHeader };
}

/** resolveApiHost for a node: an unusable credential fails the run with a NodeOperationError. */
export function credentialApiHost(
	node: INode,
	credentials: ICredentialDataDecryptedObject,
): ApiHost {
	try {
		return resolveApiHost(credentials);
	} catch (error) {
		throw new NodeOperationError(node, `Freepik API credential: ${(error as Error).message}`);
	}
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** A Base URL: https (plain http only for a test server on this machine), no user:password. */
export function checkBaseUrl(raw: string): string {
	const baseUrl = raw.trim().replace(/\/+$/, '');
	if (!URL.canParse(baseUrl))
		throw new Error(`Base URL "${baseUrl}" is not a valid URL (example: https://api.freepik.com)`);
	const url = new URL(baseUrl);
	const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname);
	if (url.protocol !== 'https:' && !loopbackHttp) {
		throw new Error(
			`Base URL "${baseUrl}" must start with https:// (plain http:// is accepted only for ` +
				'localhost, 127.0.0.1 and [::1]), so the API key never travels unencrypted',
		);
	}
	if (url.username || url.password)
		throw new Error('Base URL must not contain a user name or password');
	return baseUrl;
}

const isAbsolute = (url: string) => /^[a-z][a-z\d+.-]*:/i.test(url);

/** n8n's legacy request options (HTTP Request 4.x, so Custom API Call) name the URL `uri`. */
type RequestOptions = IHttpRequestOptions & { uri?: string | URL };

/**
 * The credential's `authenticate`: puts the key in the chosen host's header and in no other key
 * header, refuses to send it to any other host and turns redirects off. A relative URL (the
 * credential test's request) is resolved against the chosen host, so the test checks what the node
 * uses. Takes both request shapes n8n passes: `url` and legacy `uri`.
 */
export async function authenticateRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const host = resolveApiHost(credentials);
	const legacy = (requestOptions as RequestOptions).url === undefined;
	const options: RequestOptions = { ...requestOptions, disableFollowRedirect: true };
	const url = String((legacy ? options.uri : options.url) ?? '');
	const absolute = isAbsolute(url);
	if (!absolute) options.baseURL = host.baseUrl;
	if (legacy) Object.assign(options, { followRedirect: false, followAllRedirects: false });
	assertKeyHost(host, new URL(absolute ? url : `${host.baseUrl}/${url.replace(/^\/+/, '')}`));
	const headers = Object.fromEntries(
		Object.entries(options.headers ?? {}).filter(
			([name]) => !KEY_HEADERS.includes(name.toLowerCase() as KeyHeader),
		),
	);
	headers[host.keyHeader] = String(credentials.apiKey ?? '');
	return { ...options, headers };
}

/** The key goes only to the Base URL's origin, under its path. */
function assertKeyHost(host: ApiHost, target: URL): void {
	const base = new URL(host.baseUrl);
	if (
		target.origin !== base.origin ||
		!`${target.pathname}/`.startsWith(`${base.pathname.replace(/\/+$/, '')}/`)
	) {
		throw new Error(
			`The API key is only sent to the credential's host (${host.baseUrl}), not to ${target.origin}`,
		);
	}
}
