/**
 * Retry On Fail reuse with other node settings a user can combine with it (wait timeouts, binary
 * input in memory mode, concurrent executions, Continue On Fail, failed downloads), through
 * n8n-core's WorkflowExecute. The main cases are in retryReuse.n8n.test.ts.
 */
import { retryLedgerContents } from '../../../../nodes/Freepik/helpers/retryLedger';
import type { Simulator } from '../../../../simulator';
import { isolateFromUrl, runFreepik, startSimulator, useTuning } from '../../../helpers/freepik';
import { errorOf, itemsWith, mp3, perItemDescription, sampleFile } from '../utils';

const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

const fourItems = (failing: string) =>
	itemsWith(
		'voice 0 [sim:duration=1500]',
		'voice 1 [sim:duration=1500]',
		'voice 2 [sim:duration=1500]',
		`voice 3 ${failing}`,
	);

function createsPerItem(sim: Simulator): number[] {
	const counts = [0, 0, 0, 0];
	for (const task of sim.tasks.values())
		counts[Number(/voice (\d)/.exec(String(task.body.description))?.[1])]++;
	return counts;
}

describe('Retry On Fail reuse with other settings', () => {
	let sim: Simulator;
	let restoreTuning: () => void;
	beforeAll(async () => {
		sim = await startSimulator();
		restoreTuning = useTuning({ engine: { firstPollDelayMs: 50 } });
	});
	afterAll(async () => {
		restoreTuning();
		await sim.close();
	});
	beforeEach(() => sim.reset({ options: true }));

	it('Max Wait Time runs out on try 1: the retry waits for the same tasks', async () => {
		const result = await runFreepik(
			sim,
			isolateFromUrl({ description: perItemDescription, options: { maxWaitTime: 1 } }),
			{ items: fourItems('[sim:duration=1500]'), nodeSettings: RETRY },
		);
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
			isolateFromUrl({
				description: perItemDescription,
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
			runFreepik(sim, isolateFromUrl({ description: perItemDescription }), {
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
		const result = await runFreepik(sim, isolateFromUrl({ description: perItemDescription }), {
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
		const result = await runFreepik(sim, isolateFromUrl({ description: perItemDescription }), {
			items: fourItems('[sim:duration=1500]'),
			nodeSettings: RETRY,
			tuning: { engine: { firstPollDelayMs: 50 }, download: { attempts: 1, retryDelayMs: 10 } },
		});
		expect(result.error).toBeUndefined();
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 1]);
		expect(result.items.every((item) => item.binary?.data)).toBe(true);
		expect(sim.requests.filter((r) => r.route === 'download').length).toBeGreaterThanOrEqual(5);
	});
});
