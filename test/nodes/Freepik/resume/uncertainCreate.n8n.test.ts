/**
 * Resume on Webhook + Continue On Fail + a create whose answer was lost (the connection reset
 * after Freepik created the task): the item is kept as "may have been created", never as "no task
 * was created"; the batch waits for it like for a known task, in either order of the callbacks,
 * and the signed callback for its resume URL (its execution, node, run and item) gives it its task.
 */
import type { Simulator } from '../../../../simulator';
import { unpackBatch } from '../../../../nodes/Freepik/resume/packing';
import {
	deliver,
	resumeParameters,
	statusOf,
	submit,
	taskIdOf,
	type Receiver,
	type WaitingRun,
	useResumeServers,
} from '../../../helpers/resume';

let sim: Simulator;
let receiver: Receiver;
useResumeServers(100, (servers) => ({ sim, receiver } = servers));

const items = [{ json: { d: 'A voice' } }, { json: { d: 'A dog' } }];
const completed = async (taskId: string, from: number) =>
	await receiver.next((cb) => taskIdOf(cb) === taskId && statusOf(cb) === 'COMPLETED', from);

/** Two items, the first create's answer lost: the waiting run, the kept batch, both task ids. */
async function waitWithLostAnswer(from: number, errorOutput = false) {
	sim.addFault({ route: 'create', kind: 'resetAfterCreate' });
	const waiting: WaitingRun = await submit(sim, receiver, resumeParameters(), {
		items,
		...(errorOutput ? { onError: 'continueErrorOutput' } : { continueOnFail: true }),
	});
	expect(waiting.status).toBe('waiting');
	const kept = unpackBatch(waiting.run.data.resultData.metadata ?? {})!;
	expect(kept.uncertain).toHaveLength(1);
	const lostItem = kept.uncertain![0];
	const knownItem = 1 - lostItem;
	const knownTask = kept.taskIds[knownItem]!;
	expect(kept.taskIds[lostItem]).toBeNull();
	const lostTask = [...sim.tasks.keys()].find((id) => id !== knownTask)!;
	expect(sim.tasks.size).toBe(2);
	await completed(knownTask, from);
	return { waiting, lostItem, knownItem, lostTask, knownTask };
}

describe('Resume on Webhook: a create whose answer was lost (Continue On Fail)', () => {
	it('gets its task from the signed callback for its resume URL', async () => {
		const from = receiver.received.length;
		const { waiting, lostItem, knownItem, lostTask, knownTask } = await waitWithLostAnswer(from);
		// Its callback comes first: the item adopts the task; the other task is final too, so
		// the batch resumes on it.
		const { response, items: resumed } = await deliver(waiting, await completed(lostTask, from));
		expect(response.statusCode).toBe(200);
		expect(resumed).toHaveLength(2);
		const byItem = Object.fromEntries(resumed.map((item, i) => [i, item.json]));
		expect(byItem[lostItem]).toMatchObject({ task_id: lostTask, status: 'COMPLETED' });
		expect(byItem[knownItem]).toMatchObject({ task_id: knownTask, status: 'COMPLETED' });
		expect(resumed.every((item) => item.binary?.data)).toBe(true);
		expect(sim.tasks.size).toBe(2);
	});

	it('holds the batch when the other task is final first, and resumes on its callback', async () => {
		const from = receiver.received.length;
		const { waiting, lostItem, knownItem, lostTask, knownTask } = await waitWithLostAnswer(from);
		// The known task's final callback comes first: the batch still waits for the lost one.
		const early = await deliver(waiting, await completed(knownTask, from));
		expect(early.response.statusCode).toBe(200);
		expect(early.result.workflowData).toBeUndefined();
		const { items: resumed } = await deliver(waiting, await completed(lostTask, from));
		expect(resumed).toHaveLength(2);
		expect(resumed[lostItem].json).toMatchObject({ task_id: lostTask, status: 'COMPLETED' });
		expect(resumed[knownItem].json).toMatchObject({ task_id: knownTask, status: 'COMPLETED' });
		expect(resumed[lostItem].pairedItem).toEqual({ item: lostItem });
		expect(JSON.stringify(resumed)).not.toMatch(/No task was created/i);
	});

	it('On Error "Continue (using error output)": the lost task resumes on its item', async () => {
		const from = receiver.received.length;
		const { waiting, lostItem, knownItem, lostTask, knownTask } = await waitWithLostAnswer(
			from,
			true,
		);
		expect((await deliver(waiting, await completed(knownTask, from))).items).toEqual([]);
		const { items: resumed } = await deliver(waiting, await completed(lostTask, from));
		expect(resumed[lostItem].json).toMatchObject({ task_id: lostTask, status: 'COMPLETED' });
		expect(resumed[knownItem].json).toMatchObject({ task_id: knownTask, status: 'COMPLETED' });
	});

	it('adopts in every execution of the workflow, and only the callback of its own execution', async () => {
		// One item whose create's answer is lost, in two executions of the same workflow: the same
		// node and run index, so only the execution tells the two waits apart.
		const lostIn = async (executionId: string) => {
			const from = receiver.received.length;
			sim.addFault({ route: 'create', kind: 'resetAfterCreate' });
			const before = new Set(sim.tasks.keys());
			const waiting: WaitingRun = await submit(sim, receiver, resumeParameters(), {
				items: [{ json: { d: executionId } }],
				continueOnFail: true,
				executionId,
			});
			expect(unpackBatch(waiting.run.data.resultData.metadata ?? {})).toMatchObject({
				taskIds: [null],
				uncertain: [0],
			});
			const task = [...sim.tasks.keys()].find((id) => !before.has(id))!;
			return { waiting, task, callback: await completed(task, from) };
		};
		const first = await lostIn('exec-a');
		const second = await lostIn('exec-b');
		expect(first.callback.query.wait).not.toBe(second.callback.query.wait);
		// A's callback at B's resume URL (item 0 too) is not B's task.
		const foreign = await deliver(second.waiting, first.callback);
		expect(foreign.result.workflowData).toBeUndefined();
		expect(foreign.response.body).toEqual({ message: 'Not a task of this execution: ignored' });
		for (const { waiting, task, callback } of [first, second]) {
			const { items: resumed } = await deliver(waiting, callback);
			expect(resumed).toEqual([
				expect.objectContaining({ json: expect.objectContaining({ task_id: task }) }),
			]);
		}
	});
});
