/**
 * Two waits in one execution (Loop Over Items around the node, or two Isolate nodes in a row):
 * n8n keeps the first wait's custom data keys when the second wait writes fewer. The second wait
 * must read its own batch and resume with its own tasks.
 */
import { randomUUID } from 'crypto';

import { signWebhook, type Simulator } from '../../../../simulator';
import { unpackBatch } from '../../../../nodes/Freepik/resume/packing';
import {
	deliver,
	resumeParameters,
	statusOf,
	submit,
	taskIdOf,
	WEBHOOK_SECRET,
	type Receiver,
	type WaitingRun,
	useResumeServers,
} from '../../../helpers/resume';

let sim: Simulator;
let receiver: Receiver;
useResumeServers(100, (servers) => ({ sim, receiver } = servers));

const parameters = resumeParameters({ downloadResult: false });
const itemsOf = (n: number, tag: string) =>
	Array.from({ length: n }, (_, i) => ({ json: { d: `${tag} ${i}` } }));
const customDataOf = (waiting: WaitingRun) =>
	waiting.run.data.resultData.metadata as Record<string, string>;

/** Waits for every task's COMPLETED callback, then hands them over until the batch resumes. */
async function resumeWhenDone(waiting: WaitingRun, taskIds: string[], from: number) {
	const finals = [];
	for (const id of taskIds)
		finals.push(
			await receiver.next((cb) => taskIdOf(cb) === id && statusOf(cb) === 'COMPLETED', from),
		);
	for (const callback of finals) {
		const { items } = await deliver(waiting, callback);
		if (items.length) return items;
	}
	return [];
}

function signed(task: object, query: Record<string, string>) {
	const body = JSON.stringify(task);
	const id = `msg_${randomUUID()}`;
	const timestamp = Math.floor(Date.now() / 1000);
	const signature = signWebhook({ id, timestamp, body, secret: WEBHOOK_SECRET });
	return {
		headers: {
			'content-type': 'application/json',
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': signature,
		},
		rawBody: Buffer.from(body),
		query,
	};
}

describe.each([
	['two Isolate nodes in a row', '3'],
	['the same node again in a loop', '2'],
])('Resume on Webhook: a second, smaller wait in one execution (%s)', (_, secondNodeId) => {
	it('30 items then 5: the second wait keeps and resumes with its own 5 tasks', async () => {
		const first = await submit(sim, receiver, parameters, { items: itemsOf(30, 'first') });
		expect(first.status).toBe('waiting');
		const firstIds = unpackBatch(customDataOf(first))!.taskIds as string[];
		expect(Object.keys(customDataOf(first))).toContain('freepik_ids_1');

		const from = receiver.received.length;
		const second = await submit(sim, receiver, parameters, {
			items: itemsOf(5, 'second'),
			customData: customDataOf(first),
			nodeId: secondNodeId,
		});
		expect(second.error).toBeUndefined();
		expect(second.status).toBe('waiting');
		const kept = unpackBatch(customDataOf(second))!;
		const secondIds = kept.taskIds as string[];
		expect(secondIds).toHaveLength(5);
		expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
		expect(sim.tasks.size).toBe(35);

		const items = await resumeWhenDone(second, secondIds, from);
		expect(items.map((item) => [item.json.task_id, item.json.status])).toEqual(
			secondIds.map((id) => [id, 'COMPLETED']),
		);
		expect(sim.tasks.size).toBe(35);
	});
});

describe('Resume on Webhook: a late callback of an earlier wait', () => {
	it('is ignored by the next wait, even for an item whose create answer was lost', async () => {
		const first = await submit(sim, receiver, parameters, { items: itemsOf(2, 'first') });
		const [firstTask] = unpackBatch(customDataOf(first))!.taskIds as string[];
		const firstWait = unpackBatch(customDataOf(first))!.waitId!;
		sim.addFault({ route: 'create', kind: 'resetAfterCreate' });
		const second = await submit(sim, receiver, parameters, {
			items: itemsOf(2, 'second'),
			customData: customDataOf(first),
			nodeId: '3',
			continueOnFail: true,
		});
		const kept = unpackBatch(customDataOf(second))!;
		expect(kept.uncertain).toEqual([0]);
		expect(kept.waitId).not.toBe(firstWait);
		const late = signed(
			{ task_id: firstTask, status: 'COMPLETED', generated: [] },
			{ item: '0', wait: firstWait },
		);
		const { response, result } = await deliver(second, late);
		expect(response.body).toEqual({ message: 'Not a task of this execution: ignored' });
		expect(result.workflowData).toBeUndefined();
	});
});
