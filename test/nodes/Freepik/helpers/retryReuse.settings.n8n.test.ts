/**
 * Retry On Fail reuse with other node settings a user can combine with it (wait timeouts, binary
 * input in memory mode, concurrent executions, Continue On Fail, failed downloads), through
 * n8n-core's WorkflowExecute. The main cases are in retryReuse.n8n.test.ts.
 */
import {
	MAX_ITEMS_PER_RUN,
	retryLedgerContents,
} from '../../../../nodes/Freepik/helpers/retryLedger';
import type { Simulator } from '../../../../simulator';
import { runFreepik } from '../../../helpers/freepik';
import { errorOf, mp3, sampleFile } from '../utils';
import { createsPerItem, fourItems, isolateEach, RETRY, useRetrySimulator } from './retryFixtures';

describe('Retry On Fail reuse with other settings', () => {
	let sim: Simulator;
	useRetrySimulator((started) => (sim = started));

	it('Max Wait Time runs out on try 1: the retry waits for the same tasks', async () => {
		const result = await runFreepik(sim, isolateEach({ options: { maxWaitTime: 1 } }), {
			items: fourItems('[sim:duration=1500]'),
			nodeSettings: RETRY,
		});
		expect(result.error).toBeUndefined();
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 1]);
		expect(result.items.every((item) => item.json.status === 'COMPLETED')).toBe(true);
	});

	it('binary input in memory mode: good items created once', async () => {
		const file = sampleFile(3000);
		const items = fourItems('[sim:fail] [sim:duration=200]').map((item) => ({
			...item,
			binary: { data: mp3(file) },
		}));
		const result = await runFreepik(
			sim,
			isolateEach({
				inputSource: 'binary',
				binaryPropertyName: 'data',
			}),
			{ items, nodeSettings: RETRY, binaryMode: 'default' },
		);
		errorOf(result);
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 3]);
	});

	it('two executions of the same workflow at once keep separate records', async () => {
		const run = (executionId: string) =>
			runFreepik(sim, isolateEach(), {
				items: fourItems('[sim:fail] [sim:duration=200]'),
				nodeSettings: RETRY,
				executionId,
			});
		const [a, b] = await Promise.all([run('exec-a'), run('exec-b')]);
		errorOf(a);
		errorOf(b);
		expect(createsPerItem(sim)).toEqual([2, 2, 2, 6]);
	});

	it('Continue On Fail, item 0 fine and item 3 FAILED: no rerun, nothing left recorded', async () => {
		const result = await runFreepik(sim, isolateEach(), {
			items: fourItems('[sim:fail] [sim:duration=200]'),
			nodeSettings: RETRY,
			continueOnFail: true,
			executionId: 'exec-cof',
		});
		expect(result.error).toBeUndefined();
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 1]);
		expect(retryLedgerContents().filter((r) => r.key.includes('exec-cof'))).toEqual([]);
	});

	it('a download that fails on try 1: the retry downloads again, creates nothing', async () => {
		sim.addFault({ route: 'download', kind: 'status', status: 500, times: 1 });
		const result = await runFreepik(sim, isolateEach(), {
			items: fourItems('[sim:duration=1500]'),
			nodeSettings: RETRY,
			tuning: { engine: { firstPollDelayMs: 50 }, download: { attempts: 1, retryDelayMs: 10 } },
		});
		expect(result.error).toBeUndefined();
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 1]);
		expect(result.items.every((item) => item.binary?.data)).toBe(true);
		expect(sim.requests.filter((r) => r.route === 'download').length).toBeGreaterThanOrEqual(5);
	});

	it(`a batch above ${MAX_ITEMS_PER_RUN} items is refused before any request, naming the limit`, async () => {
		const items = Array.from({ length: MAX_ITEMS_PER_RUN + 2 }, () => ({ json: {} }));
		const result = await runFreepik(sim, isolateEach({ description: 'A voice' }), {
			items,
			nodeSettings: { ...RETRY, maxTries: 2 },
		});
		expect(result.error?.message).toBe(
			'Retry On Fail: this node remembers at most 10,000 items per run between tries, got 10,002',
		);
		expect(result.error?.description).toMatch(/Loop Over Items.*Nothing was sent to Freepik/s);
		expect(sim.requests).toEqual([]);
		expect(retryLedgerContents()).toEqual([]);
	});
});
