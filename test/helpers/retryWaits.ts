import { sleepUnlessAborted } from '../../nodes/Freepik/helpers/clock';

/** One retry wait of the transport: what it asked for, and how the wait ended. */
export interface RetryWait {
	ms: number;
	/** When the wait ended (unix ms), or null while it runs. */
	endedAt: number | null;
	/** The cancel signal ended it early. */
	cancelled: boolean;
}

/**
 * Every retry wait the transport asked for, in order, for runs whose tuning has
 * `client: { sleep: retryWaits.sleep }` (the reliability suites' fastTuning does). Tests assert the
 * waits asked for and that the next request followed them, never how long a run took.
 */
export const retryWaits = {
	list: [] as RetryWait[],
	clear() {
		this.list.length = 0;
	},
	sleep: async (ms: number, signal?: AbortSignal) => {
		const wait: RetryWait = { ms, endedAt: null, cancelled: false };
		if (retryWaits.list.length < 1000) retryWaits.list.push(wait);
		await sleepUnlessAborted(ms, signal);
		wait.endedAt = Date.now();
		wait.cancelled = signal?.aborted === true;
	},
};
