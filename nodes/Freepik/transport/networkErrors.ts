/** Network errors after which a GET is safe to repeat. */
const TRANSIENT_CODES = new RegExp(
	'^(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|ESOCKETTIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|' +
		'ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_CONNECTION_TIMEOUT|UND_ERR_\\w+)$',
);

export function isTransientCode(code: string | undefined): boolean {
	return TRANSIENT_CODES.test(code ?? '');
}

type Link = { code?: unknown; cause?: unknown; message?: unknown };

function causeChain(error: unknown): Link[] {
	const chain: Link[] = [];
	let current = error as Link | undefined;
	for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
		chain.push(current);
		current = current.cause as Link | undefined;
	}
	return chain.reverse();
}

function codeFromMessage(message: string): string | undefined {
	const found = message.match(
		/\b(E[A-Z]{4,}|socket hang up|timeout of \d+ms exceeded|timed out|aborted|canceled)\b/,
	);
	if (!found) return undefined;
	if (found[1] === 'socket hang up') return 'ECONNRESET';
	if (found[1].startsWith('timeout') || found[1] === 'timed out') return 'ETIMEDOUT';
	if (found[1] === 'aborted' || found[1] === 'canceled') return 'ERR_CANCELED';
	return found[1];
}

/**
 * Which network error code hides in an error thrown by n8n's request helpers: a NodeApiError whose
 * `cause` is the axios error (whose own `cause` may be the socket error). Codes anywhere in the
 * chain win over words in messages, which n8n rewrites ("The connection was aborted, …").
 */
export function networkCode(error: unknown): string {
	const innermostFirst = causeChain(error);
	for (const link of innermostFirst) {
		if (typeof link.code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(link.code)) continue;
		if (link.code === 'ECONNABORTED' && /timeout/i.test(String(link.message))) return 'ETIMEDOUT';
		return link.code;
	}
	for (const link of innermostFirst) {
		const code = codeFromMessage(String(link.message ?? ''));
		if (code) return code;
	}
	return 'NETWORK_ERROR';
}
