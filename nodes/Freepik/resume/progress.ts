import type { FreepikTask } from '../helpers/types';

/**
 * What this n8n process has learnt about a waiting batch: the final tasks that callbacks (or one
 * look-up) reported, and whether a callback already resumes the execution.
 *
 * Process memory, on purpose: webhook() cannot save anything into the waiting execution (workflow
 * static data and custom data written there are not stored). Losing it (restart, another webhook
 * process) costs one look-up of the unfinished tasks at the next final callback, nothing more.
 */
export interface BatchProgress {
	final: Map<number, FreepikTask>;
	resuming: boolean;
	touchedAt: number;
}

const MAX_BATCHES = 1000;
const batches = new Map<string, BatchProgress>();

/**
 * The progress of a batch, and whether this process had none yet
 * (then nothing it knows is complete).
 */
export function progressOf(
	batchKey: string,
	now = Date.now(),
): { progress: BatchProgress; fresh: boolean } {
	let progress = batches.get(batchKey);
	const fresh = progress === undefined;
	if (!progress) {
		progress = { final: new Map(), resuming: false, touchedAt: now };
		batches.set(batchKey, progress);
		while (batches.size > MAX_BATCHES) batches.delete(batches.keys().next().value!);
	}
	progress.touchedAt = now;
	return { progress, fresh };
}
