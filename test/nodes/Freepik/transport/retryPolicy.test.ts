/** Which calls are repeated, after how long, and what a user is told when they are not: a table per rule. */
import {
	backoffMs,
	canRetry,
	createMayHaveSucceeded,
	decideRetry,
	retryAfterMs,
	type CallKind,
	type RetrySettings,
} from '../../../../nodes/Freepik/transport/retryPolicy';

const SETTINGS: RetrySettings = {
	maxRetries: 5,
	retryBaseDelayMs: 500,
	retryMaxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
};
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('retry policy', () => {
	describe('which failures may be repeated', () => {
		it.each<[CallKind, { statusCode?: number; code?: string }, boolean]>([
			['read', { statusCode: 429 }, true],
			['read', { statusCode: 500 }, true],
			['read', { statusCode: 502 }, true],
			['read', { statusCode: 503 }, true],
			['read', { statusCode: 504 }, true],
			['read', { statusCode: 400 }, false],
			['read', { statusCode: 401 }, false],
			['read', { statusCode: 404 }, false],
			['read', { statusCode: 200, code: 'INVALID_JSON' }, false],
			['read', { statusCode: 302 }, false],
			['read', { code: 'ECONNRESET' }, true],
			['read', { code: 'ETIMEDOUT' }, true],
			['read', { code: 'ECONNREFUSED' }, true],
			['read', { code: 'UND_ERR_SOCKET' }, true],
			['read', { code: 'ERR_CANCELED' }, false],
			['read', { code: 'NETWORK_ERROR' }, false],
			['create', { statusCode: 429 }, true],
			['create', { statusCode: 503 }, true],
			['create', { statusCode: 500 }, false],
			['create', { statusCode: 502 }, false],
			['create', { statusCode: 504 }, false],
			['create', { statusCode: 400 }, false],
			['create', { code: 'ECONNREFUSED' }, true],
			['create', { code: 'ENOTFOUND' }, true],
			['create', { code: 'EAI_AGAIN' }, true],
			['create', { code: 'ECONNRESET' }, false],
			['create', { code: 'ETIMEDOUT' }, false],
			// Nothing known about the failure: never repeat a create that may have reached Freepik.
			['create', {}, false],
		])('%s after %j: %s', (kind, failure, expected) => {
			expect(canRetry(kind, failure)).toBe(expected);
		});
	});

	describe('whether a failed create may have created the task', () => {
		it.each<[{ statusCode?: number; code?: string }, boolean]>([
			[{ code: 'ECONNRESET' }, true],
			[{ code: 'ETIMEDOUT' }, true],
			[{ code: 'ECONNREFUSED' }, false],
			[{ code: 'ENOTFOUND' }, false],
			[{ statusCode: 200, code: 'INVALID_JSON' }, true],
			[{ statusCode: 302 }, false],
			[{ statusCode: 400 }, false],
			[{ statusCode: 429 }, false],
			[{ statusCode: 500 }, true],
			[{ statusCode: 502 }, true],
			[{ statusCode: 503 }, false],
			[{ statusCode: 504 }, true],
			[{}, true],
		])('%j: %s', (failure, expected) => {
			expect(createMayHaveSucceeded(failure)).toBe(expected);
		});
	});

	describe('Retry-After', () => {
		it.each<[Record<string, string | string[] | undefined> | undefined, number | undefined]>([
			[undefined, undefined],
			[{}, undefined],
			[{ 'retry-after': '3' }, 3000],
			[{ 'retry-after': '0.5' }, 500],
			[{ 'retry-after': '-2' }, 0],
			[{ 'retry-after': ['7', '9'] }, 7000],
			[{ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, 10_000],
			[{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
			[{ 'retry-after': 'soon' }, undefined],
		])('%j → %s ms', (headers, expected) => {
			expect(retryAfterMs(headers, NOW)).toBe(expected);
		});
	});

	describe('backoff with jitter', () => {
		it.each([
			[0, 0, 250],
			[0, 0.999999, 750],
			[1, 0.5, 1000],
			[3, 0.5, 4000],
			[10, 0.5, 30_000],
			[10, 0, 15_000],
		])('attempt %i, random %f → %i ms', (attempt, random, expected) => {
			expect(backoffMs(attempt, 500, 30_000, () => random)).toBe(expected);
		});

		it('spreads waits between half and one and a half times the base', () => {
			const waits = Array.from({ length: 200 }, () => backoffMs(2, 100, 10_000));
			expect(Math.min(...waits)).toBeGreaterThanOrEqual(200);
			expect(Math.max(...waits)).toBeLessThanOrEqual(600);
			expect(new Set(waits).size).toBeGreaterThan(20);
		});
	});

	describe('the decision', () => {
		const decide = (
			over: Partial<Parameters<typeof decideRetry>[0]> & {
				failure: Parameters<typeof decideRetry>[0]['failure'];
			},
		) =>
			decideRetry({
				kind: 'read',
				attempt: 0,
				settings: SETTINGS,
				now: NOW,
				random: () => 0.5,
				...over,
			});

		it.each<
			[
				string,
				Parameters<typeof decide>[0],
				{ retry: boolean; waitMs: number; ambiguous?: boolean; notes?: RegExp[] },
			]
		>([
			[
				'a 503 read with Retry-After waits what the server asked',
				{ failure: { statusCode: 503, headers: { 'retry-after': '2' } } },
				{ retry: true, waitMs: 2000 },
			],
			[
				'a 500 read backs off',
				{ failure: { statusCode: 500 }, attempt: 2 },
				{ retry: true, waitMs: 2000 },
			],
			[
				'a 404 read is final, with no note',
				{ failure: { statusCode: 404 } },
				{ retry: false, waitMs: 500, ambiguous: false, notes: [] },
			],
			[
				'out of tries says how many',
				{ failure: { statusCode: 500 }, attempt: 5 },
				{ retry: false, waitMs: 16_000, ambiguous: false, notes: [/Tried 6 times/] },
			],
			[
				'a Retry-After longer than the node waits is not waited for',
				{ failure: { statusCode: 429, headers: { 'retry-after': '600' } } },
				{ retry: false, waitMs: 600_000, ambiguous: false, notes: [/asked to wait 600 s/] },
			],
			[
				'a wait past Max Wait Time stops retrying',
				{
					failure: { statusCode: 503, headers: { 'retry-after': '5' } },
					deadline: NOW + 1000,
					attempt: 1,
				},
				{
					retry: false,
					waitMs: 5000,
					ambiguous: false,
					notes: [/would pass Max Wait Time/, /Tried 2 times/],
				},
			],
			[
				'a create after a reset is final and ambiguous',
				{ kind: 'create', failure: { code: 'ECONNRESET' } },
				{ retry: false, waitMs: 500, ambiguous: true, notes: [] },
			],
			[
				'a create after a 500 is final and ambiguous',
				{ kind: 'create', failure: { statusCode: 500 } },
				{ retry: false, waitMs: 500, ambiguous: true, notes: [] },
			],
			[
				'a create after a 400 is final, not ambiguous',
				{ kind: 'create', failure: { statusCode: 400 } },
				{ retry: false, waitMs: 500, ambiguous: false, notes: [] },
			],
			[
				'a create after a 429 is repeated',
				{ kind: 'create', failure: { statusCode: 429, headers: { 'retry-after': '1' } } },
				{ retry: true, waitMs: 1000 },
			],
			[
				'a refused create is repeated',
				{ kind: 'create', failure: { code: 'ECONNREFUSED' }, attempt: 1 },
				{ retry: true, waitMs: 1000 },
			],
		])('%s', (_name, input, expected) => {
			const decision = decide(input);
			expect(decision.retry).toBe(expected.retry);
			expect(decision.waitMs).toBe(expected.waitMs);
			if (!decision.retry) {
				expect(decision.ambiguous).toBe(expected.ambiguous);
				expect(decision.notes).toHaveLength(expected.notes!.length);
				expected.notes!.forEach((note, i) => expect(decision.notes[i]).toMatch(note));
			}
		});

		it('ignores Retry-After on an answer that is not retried', () => {
			const decision = decide({ failure: { statusCode: 400, headers: { 'retry-after': '999' } } });
			expect(decision).toMatchObject({ retry: false, waitMs: 500, notes: [] });
		});
	});
});
