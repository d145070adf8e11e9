/**
 * Resume on Webhook + Continue On Fail + a create whose answer was lost (the connection reset
 * after Freepik created the task): the item is kept as "may have been created", never as "no task
 * was created", and the signed callback for its resume URL gives it its task.
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

	it('says "may have been created" (never "no task was created") when no callback named it', async () => {
		const from = receiver.received.length;
		const { waiting, lostItem, knownTask } = await waitWithLostAnswer(from);
		const { items: resumed } = await deliver(waiting, await completed(knownTask, from));
		expect(resumed).toHaveLength(2);
		expect(resumed[lostItem].json.error).toMatch(/may have been created/);
		expect(JSON.stringify(resumed[lostItem].json)).not.toMatch(/No task was created/i);
		expect(resumed[lostItem].pairedItem).toEqual({ item: lostItem });
	});

	it('On Error "Continue (using error output)": resumes it in the shape n8n moves there', async () => {
		const from = receiver.received.length;
		const { waiting, lostItem, knownItem, knownTask } = await waitWithLostAnswer(from, true);
		const { items: resumed } = await deliver(waiting, await completed(knownTask, from));
		expect(Object.keys(resumed[lostItem].json).sort()).toEqual(['details', 'error']);
		expect(resumed[lostItem].json.error).toMatch(/may have been created/);
		expect(resumed[knownItem].json).toMatchObject({ task_id: knownTask, status: 'COMPLETED' });
	});
});
