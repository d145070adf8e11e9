/**
 * n8n's Retry On Fail through n8n-core's WorkflowExecute: it reruns the node's execute() in the
 * same process, same execution, same items. A rerun must reuse what earlier tries created.
 */
import { retryLedgerContents } from '../../../../nodes/Freepik/helpers/retryLedger';
import { unpackBatch } from '../../../../nodes/Freepik/resume/packing';
import type { Simulator } from '../../../../simulator';
import { API_KEY, isolateFromUrl, runFreepik } from '../../../helpers/freepik';
import { resumeParameters, startCallbackReceiver, submit } from '../../../helpers/resume';
import { createdTaskIds, errorOf, itemsWith, mp3, sampleFile } from '../utils';
import {
	createsPerItem,
	fourItems,
	isolateEach,
	RETRY,
	tasksOfItem,
	useRetrySimulator,
} from './retryFixtures';

describe('Retry On Fail (n8n reruns the node)', () => {
	let sim: Simulator;
	useRetrySimulator((started) => (sim = started));

	it('4 items, one FAILED, Max Tries 3: good items created once, every id named', async () => {
		const result = await runFreepik(sim, isolateEach(), {
			items: fourItems('[sim:fail] [sim:duration=200]'),
			nodeSettings: RETRY,
		});
		const error = errorOf(result);
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 3]);
		const failing = tasksOfItem(sim, 3);
		expect(error.message).toContain(`Freepik task ${failing[2]} FAILED`);
		expect(error.message).toContain(`earlier tries created: ${failing[0]}, ${failing[1]}`);
		const text = `${error.message}\n${error.description}`;
		for (const id of createdTaskIds(sim)) expect(text).toContain(id);
		// The third try was n8n's last: nothing of the run is kept.
		expect(retryLedgerContents()).toEqual([]);
	});

	it('waits for tasks running at the throw, submits again only the FAILED item', async () => {
		// The first task of item 3 FAILS (while the others still run); its second one completes.
		let item3Tasks = 0;
		sim.configure({
			failTasks: (body) => String(body.description).startsWith('voice 3') && item3Tasks++ === 0,
		});
		const result = await runFreepik(sim, isolateEach(), {
			items: fourItems('[sim:duration=200]'),
			nodeSettings: RETRY,
		});
		expect(result.error).toBeUndefined();
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 2]);
		const [failed, completed] = tasksOfItem(sim, 3);
		expect(result.items.map((item) => item.json.status)).toEqual(Array(4).fill('COMPLETED'));
		expect(result.items[3].json.task_id).toBe(completed);
		expect(result.items[3].json.earlier_task_ids).toEqual([failed]);
		for (const n of [0, 1, 2]) expect(result.items[n].json.task_id).toBe(tasksOfItem(sim, n)[0]);
		expect(result.items.every((item) => item.binary?.data)).toBe(true);
	});

	it('a create whose answer was lost is never sent again; the others are waited for', async () => {
		sim.addFault({ route: 'create', kind: 'resetAfterCreate' });
		const result = await runFreepik(sim, isolateEach(), {
			items: fourItems('[sim:duration=1500]'),
			nodeSettings: RETRY,
		});
		const error = errorOf(result);
		expect(sim.requestsTo('create')).toHaveLength(4);
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 1]);
		expect(error.message).toContain('the task may have been created');
		expect(error.description).toContain('the retry did not send it again');
		// The tasks of the other items ran to the end on the later tries and are named (the lost
		// answer's task exists on Freepik, but nothing here knows its id).
		const text = `${error.message}\n${error.description}`;
		expect(createdTaskIds(sim).filter((id) => text.includes(id))).toHaveLength(3);
		expect(text.match(/COMPLETED/g)).toHaveLength(3);
	});

	it('no wait: a rerun returns the tasks created and resends only the rejected create', async () => {
		sim.addFault({ route: 'create', kind: 'status', status: 400 });
		const result = await runFreepik(sim, isolateEach({ waitForCompletion: false }), {
			items: fourItems('[sim:duration=1500]'),
			nodeSettings: RETRY,
		});
		expect(result.error).toBeUndefined();
		expect(sim.requestsTo('create')).toHaveLength(5);
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 1]);
		result.items.forEach((item, n) => expect(item.json.task_id).toBe(tasksOfItem(sim, n)[0]));
		expect(retryLedgerContents()).toEqual([]);
	});

	it('Continue On Fail: reruns while item 0 is an error; the item lists every task id', async () => {
		const result = await runFreepik(sim, isolateEach(), {
			items: itemsWith(
				'voice 0 [sim:fail] [sim:duration=200]',
				'voice 1 [sim:duration=400]',
				'voice 2 [sim:duration=400]',
				'voice 3 [sim:duration=400]',
			),
			nodeSettings: RETRY,
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(createsPerItem(sim)).toEqual([3, 1, 1, 1]);
		const [first, second, third] = tasksOfItem(sim, 0);
		expect(result.items[0].json).toMatchObject({
			task_id: third,
			status: 'FAILED',
			earlier_task_ids: [first, second],
		});
		expect(result.items[0].json.error).toContain(`earlier tries created: ${first}, ${second}`);
		expect(result.items.slice(1).every((item) => item.json.status === 'COMPLETED')).toBe(true);
	});

	it('binary input: known by its binary id; the record holds no file content, no key', async () => {
		const file = sampleFile(3000);
		const items = fourItems('[sim:fail] [sim:duration=200]').map((item) => ({
			...item,
			binary: { data: mp3(file) },
		}));
		const parameters = isolateEach({ inputSource: 'binary', binaryPropertyName: 'data' });
		// What the ledger holds when the last try sends item 3 again (the run drops it at the end).
		const heldAtRetry: string[] = [];
		sim.configure({
			failTasks: (body) => {
				const failing = String(body.description).startsWith('voice 3');
				if (failing) heldAtRetry.push(JSON.stringify(retryLedgerContents()));
				return failing;
			},
		});
		const result = await runFreepik(sim, parameters, {
			items: items.map((item, n) => (n === 3 ? { ...item, json: { d: 'voice 3' } } : item)),
			nodeSettings: RETRY,
			binaryMode: 'filesystem',
		});
		errorOf(result);
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 3]);
		const held = heldAtRetry[2];
		expect(JSON.parse(held)).toHaveLength(4);
		expect(retryLedgerContents()).toEqual([]);
		expect(held).not.toContain(API_KEY);
		expect(held).not.toContain(file.toString('base64').slice(0, 40));
		expect(held).not.toContain('voice');
	});

	it("a request that differs per try ($now in a field) still reuses the item's task", async () => {
		const result = await runFreepik(
			sim,
			isolateFromUrl({ description: '={{ $json.d }} at {{ $now.toMillis() }}' }),
			{ items: fourItems('[sim:fail] [sim:duration=200]'), nodeSettings: RETRY },
		);
		const error = errorOf(result);
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 3]);
		const text = `${error.message}\n${error.description}`;
		for (const id of createdTaskIds(sim)) expect(text).toContain(id);
		const kept = result.logs.filter((l) => /built a different request/.test(l.message));
		expect(kept.map((l) => l.level)).toEqual(['warn', 'warn', 'warn', 'warn', 'warn', 'warn']);
		expect(kept[0].message).toContain(tasksOfItem(sim, 0)[0]);
	});

	it('Retry On Fail off: nothing is recorded', async () => {
		const result = await runFreepik(sim, isolateEach(), {
			items: fourItems('[sim:fail] [sim:duration=200]'),
		});
		errorOf(result);
		expect(createsPerItem(sim)).toEqual([1, 1, 1, 1]);
		expect(retryLedgerContents()).toEqual([]);
	});

	it('Resume on Webhook: a rerun does not create again; the wait keeps every task id', async () => {
		const receiver = await startCallbackReceiver();
		try {
			sim.addFault({ route: 'create', kind: 'status', status: 400 });
			const waiting = await submit(sim, receiver, resumeParameters(), {
				items: itemsWith('voice 0', 'voice 1', 'voice 2'),
				nodeSettings: RETRY,
			});
			expect(waiting.error).toBeUndefined();
			expect(waiting.status).toBe('waiting');
			expect(sim.requestsTo('create')).toHaveLength(4);
			expect(createsPerItem(sim)).toEqual([1, 1, 1, 0]);
			const kept = unpackBatch(waiting.run.data.resultData.metadata ?? {});
			expect(kept?.taskIds).toEqual([0, 1, 2].map((n) => tasksOfItem(sim, n)[0]));
		} finally {
			await receiver.close();
		}
	});
});
