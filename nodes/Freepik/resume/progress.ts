import type { FreepikTask } from '../helpers/types';

/**
 * What this n8n process has learnt about a waiting batch: the final tasks that callbacks (or one
 * look-up) reported, the tasks callbacks named for items whose create's answer was lost, and
 * whether a callback already resumes the execution.
 *
 * Process memory, on purpose: webhook() cannot save anything into the waiting execution (workflow
 * static data and custom data written there are not stored). Keyed by the batch's wait id, which
 * names the execution, so no other execution's batch ever reads it. Losing it (restart, another
 * webhook process) costs one look-up of the known unfinished tasks at the next final callback; a
 * task adopted from a callback only that process saw cannot be looked up (no id), so its batch then
 * waits until its Max Wait Time.
 */
export interface BatchProgress {
	final: Map<number, FreepikTask>;
	/** Item index → task id, for items kept as "may have been created". */
	adopted: Map<number, string>;
	resuming: boolean;
	/** Whether a final callback looked up the batch's other tasks in this process. */
	lookedUp: boolean;
	touchedAt: number;
}

const MAX_BATCHES = 1000;
const batches = new Map<string, BatchProgress>();

/** The progress of a batch (new and empty when this process has not seen it yet). */
export function progressOf(batchKey: string, now = Date.now()): BatchProgress {
	let progress = batches.get(batchKey);
	if (!progress) {
		progress = {
			final: new Map(),
			adopted: new Map(),
			resuming: false,
			lookedUp: false,
			touchedAt: now,
		};
		batches.set(batchKey, progress);
		while (batches.size > MAX_BATCHES) batches.delete(batches.keys().next().value!);
	}
	progress.touchedAt = now;
	return progress;
}
