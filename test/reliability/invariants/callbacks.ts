/**
 * Resume on Webhook rows: the simulator's signed callbacks, received on 127.0.0.1, handed to the
 * waiting node's webhook() inside n8n-core, as n8n's /webhook-waiting/ endpoint does.
 */
import type { Freepik } from '../../../nodes/Freepik/Freepik.node';
import type { Simulator } from '../../../simulator';
import { statusOf, taskIdOf, type Callback, type Receiver } from '../../helpers/resume';
import { idleWatch } from './guard';
import type { Outcome } from './rows';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deliverCallback } = require('../../../harness/n8n-resume');

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

const isFinal = (status: string | undefined) => status === 'COMPLETED' || status === 'FAILED';

/**
 * Hands every final callback of this row, once each and in arrival order, to the waiting node
 * until its webhook() resumes the execution; resolves its output, or undefined when every task is
 * final and every callback delivered but the node still waits (n8n would resume it at its deadline,
 * with the node's input items unchanged). It waits for events, not for a time: a callback coming
 * late on a busy machine still comes before the deadline, as it would for n8n; only IDLE_MS with no
 * callback and no request gives up (as the deadline would).
 */
export async function deliverUntilResumed(
	sim: Simulator,
	receiver: Receiver,
	waiting: Outcome,
	nodeType: Freepik,
	from: number,
	delivered: Set<Callback>,
): Promise<unknown[][] | undefined> {
	const nodeName = waiting.run.data.resultData.lastNodeExecuted;
	const watch = idleWatch(() => receiver.received.length + sim.requests.length);
	let idle = false;
	void watch.idle.then(() => (idle = true));
	try {
		while (!idle) {
			const fresh = receiver.received
				.slice(from)
				.filter((cb) => !delivered.has(cb) && sim.tasks.has(taskIdOf(cb)) && isFinal(statusOf(cb)));
			for (const callback of fresh) {
				delivered.add(callback);
				const { result } = await deliverCallback(waiting, nodeType, callback, nodeName);
				if (result.workflowData) return result.workflowData;
			}
			const received = receiver.received.slice(from);
			if (!fresh.length && everyFinalCallbackDelivered(sim, received, delivered)) return undefined;
			await sleep(10);
		}
		return undefined;
	} finally {
		watch.stop();
	}
}

function everyFinalCallbackDelivered(
	sim: Simulator,
	received: Callback[],
	delivered: Set<Callback>,
) {
	return [...sim.tasks.keys()].every((id) => {
		if (!isFinal(sim.taskView(id)?.status)) return false;
		const ofTask = received.filter((cb) => taskIdOf(cb) === id && isFinal(statusOf(cb)));
		// A task created without a webhook URL (Poll, or a lost create) sends none.
		return (
			sim.tasks.get(id)!.webhookUrl === null ||
			(ofTask.length > 0 && ofTask.every((cb) => delivered.has(cb)))
		);
	});
}
