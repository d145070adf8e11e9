import { sleep } from 'n8n-workflow';

import type { Clock } from './jobTypes';

/** Longest stretch slept without looking at the cancel signal. */
const CANCEL_CHECK_MS = 250;

/** Waits `ms`, returning within a quarter second once `signal` aborts. */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
	const until = Date.now() + ms;
	for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) {
		await sleep(Math.min(left, CANCEL_CHECK_MS));
	}
}

export const realClock: Clock = { now: () => Date.now(), sleep: sleepUnlessAborted };
