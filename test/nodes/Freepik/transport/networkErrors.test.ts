import { isTransientCode, networkCode } from '../../../../nodes/Freepik/transport/networkErrors';

/** n8n wraps the socket error in an axios error in a NodeApiError, and rewrites messages on the way. */
const wrapped = (
	inner: object,
	outerMessage = 'The connection to the server was closed unexpectedly',
) => ({
	message: outerMessage,
	cause: { message: 'axios error', cause: inner },
});

describe('network error classification', () => {
	it.each<[string, unknown, string]>([
		[
			'a code deep in the cause chain',
			wrapped({ code: 'ECONNRESET', message: 'read ECONNRESET' }),
			'ECONNRESET',
		],
		[
			'the innermost code wins',
			{ code: 'EOUTER', cause: { code: 'ECONNREFUSED' } },
			'ECONNREFUSED',
		],
		[
			'ECONNABORTED from a timeout is a timeout',
			wrapped({ code: 'ECONNABORTED', message: 'timeout of 1000ms exceeded' }),
			'ETIMEDOUT',
		],
		[
			'ECONNABORTED otherwise stays',
			{ code: 'ECONNABORTED', message: 'aborted by peer' },
			'ECONNABORTED',
		],
		[
			'lower-case codes are not codes',
			{ code: 'not_a_code', message: 'socket hang up' },
			'ECONNRESET',
		],
		['a code named in a message', { message: 'connect EHOSTUNREACH 10.0.0.1:443' }, 'EHOSTUNREACH'],
		['"socket hang up"', { message: 'socket hang up' }, 'ECONNRESET'],
		['axios timeout text', { message: 'timeout of 5000ms exceeded' }, 'ETIMEDOUT'],
		['"timed out"', { message: 'The request timed out' }, 'ETIMEDOUT'],
		['"aborted"', { message: 'The operation was aborted' }, 'ERR_CANCELED'],
		['"canceled"', { message: 'canceled' }, 'ERR_CANCELED'],
		['nothing recognisable', { message: 'something odd' }, 'NETWORK_ERROR'],
		['not an object', 'boom', 'NETWORK_ERROR'],
		['undefined', undefined, 'NETWORK_ERROR'],
	])('%s', (_name, error, expected) => {
		expect(networkCode(error)).toBe(expected);
	});

	it('stops following causes after a few links (a cyclic chain cannot hang it)', () => {
		const cyclic: { message: string; cause?: unknown } = { message: 'outer' };
		cyclic.cause = cyclic;
		expect(networkCode(cyclic)).toBe('NETWORK_ERROR');
	});

	it.each([
		['ECONNRESET', true],
		['UND_ERR_HEADERS_TIMEOUT', true],
		['ERR_CANCELED', false],
		[undefined, false],
	])('%s is transient: %s', (code, expected) => {
		expect(isTransientCode(code)).toBe(expected);
	});
});
