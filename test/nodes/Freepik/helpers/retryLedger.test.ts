import {
	countTry,
	forgetRun,
	MAX_ITEMS_PER_RUN,
	recall,
	RECORD_TTL_MS,
	remember,
	retryLedgerContents,
	retryLedgerRuns,
	type ItemRecord,
	type RunScope,
} from '../../../../nodes/Freepik/helpers/retryLedger';

const run: RunScope = { executionId: '101', nodeId: 'node-a', runIndex: 0 };
const record = (...taskIds: string[]): ItemRecord => ({ taskIds, resubmit: false });
const T0 = 1_000_000;

describe('retry ledger', () => {
	it('finds a record only under the same execution, node, run and item', () => {
		remember(run, 2, record('t1'), T0);
		expect(recall(run, 2, T0)?.taskIds).toEqual(['t1']);
		for (const [scope, item] of [
			[{ ...run, executionId: '102' }, 2],
			[{ ...run, nodeId: 'node-b' }, 2],
			[{ ...run, runIndex: 1 }, 2],
			[run, 3],
		] as const)
			expect(recall(scope, item, T0)).toBeUndefined();
	});

	it('hands out copies: changing one does not change what is kept', () => {
		remember(run, 0, record('t1'), T0);
		recall(run, 0, T0)!.taskIds.push('t2');
		expect(recall(run, 0, T0)?.taskIds).toEqual(['t1']);
	});

	it('forgets a record RECORD_TTL_MS after its last write', () => {
		remember(run, 0, record('t1'), T0);
		expect(recall(run, 0, T0 + RECORD_TTL_MS - 1)).toBeDefined();
		expect(recall(run, 0, T0 + RECORD_TTL_MS)).toBeUndefined();
		remember(run, 0, record('t1', 't2'), T0 + 10);
		expect(recall(run, 0, T0 + RECORD_TTL_MS)).toBeDefined();
		// Expired records are dropped by the next write, not only hidden.
		remember(run, 1, record('t3'), T0 + 10 + RECORD_TTL_MS);
		expect(retryLedgerContents().map(({ record }) => record.taskIds)).toEqual([['t3']]);
	});

	it(`a run of ${MAX_ITEMS_PER_RUN} items evicts no record of another run still going`, () => {
		const other = { ...run, executionId: '202' };
		remember(other, 0, record('theirs'), T0);
		for (let i = 0; i < MAX_ITEMS_PER_RUN; i++) remember(run, i, record(`t${i}`), T0);
		remember(run, 0, record('t0', 'again'), T0 + 1);
		expect(recall(other, 0, T0 + 1)?.taskIds).toEqual(['theirs']);
		expect(recall(run, 0, T0 + 1)?.taskIds).toEqual(['t0', 'again']);
		expect(recall(run, MAX_ITEMS_PER_RUN - 1, T0 + 1)?.taskIds).toEqual([
			`t${MAX_ITEMS_PER_RUN - 1}`,
		]);
	});

	it('refuses to keep an item beyond the per-run cap rather than forget another one', () => {
		expect(() => remember(run, MAX_ITEMS_PER_RUN, record('x'), T0)).toThrow(RangeError);
		expect(retryLedgerContents()).toEqual([]);
	});

	it('a run expires only when nothing touched it for RECORD_TTL_MS; a try starting touches it', () => {
		remember(run, 0, record('t1'), T0);
		expect(countTry(run, T0 + RECORD_TTL_MS - 1)).toBe(1);
		expect(recall(run, 0, T0 + RECORD_TTL_MS + 5)?.taskIds).toEqual(['t1']);
		const other = { ...run, executionId: '303' };
		remember(other, 0, record('t2'), T0 + 2 * RECORD_TTL_MS);
		expect(retryLedgerRuns()).toBe(1);
		expect(recall(run, 0, T0 + 2 * RECORD_TTL_MS)).toBeUndefined();
	});

	it('forgetRun drops one run of one node and nothing else', () => {
		const otherRun = { ...run, runIndex: 1 };
		const otherNode = { ...run, nodeId: 'node-b' };
		remember(run, 0, record('a'), T0);
		remember(run, 1, record('b'), T0);
		remember(otherRun, 0, record('c'), T0);
		remember(otherNode, 0, record('d'), T0);
		forgetRun(run);
		expect(retryLedgerContents().map(({ record }) => record.taskIds[0])).toEqual(['c', 'd']);
	});

	it('keys hold ids only', () => {
		remember(run, 4, record('t1'), T0);
		const [{ key }] = retryLedgerContents();
		expect(key.split('\n')).toEqual(['["101","node-a",0]', '4']);
	});
});
