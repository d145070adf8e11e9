/** The query parameter that tells a callback which input item its task belongs to. */
export const ITEM_PARAM = 'item';
/** The query parameter naming the wait (node and run) the task was created for. */
export const WAIT_PARAM = 'wait';

/**
 * The `webhook_url` of one item's task: the execution's resume URL plus the item index and the
 * wait id. Set with URLSearchParams so n8n's `signature` token stays as it is.
 */
export function callbackUrl(resumeUrl: string, itemIndex: number, waitId?: string): string {
	const url = new URL(resumeUrl);
	url.searchParams.set(ITEM_PARAM, String(itemIndex));
	if (waitId) url.searchParams.set(WAIT_PARAM, waitId);
	return url.toString();
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

/** True when Freepik could not reach the URL: n8n falls back to localhost without WEBHOOK_URL. */
export function isLocalUrl(url: string): boolean {
	try {
		const { hostname } = new URL(url);
		return (
			LOCAL_HOSTS.has(hostname) || hostname.endsWith('.localhost') || hostname.startsWith('127.')
		);
	} catch {
		return false;
	}
}
