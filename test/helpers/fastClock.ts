import { sleepUnlessAborted } from '../../nodes/Freepik/engine/clock';
import type { Clock } from '../../nodes/Freepik/engine/types';

/**
 * The waiting engine's clock for runs against the real simulator: time passes `speed` times faster
 * than real time, so a Max Wait Time of 2 s or a Poll Interval of 1 s is waited out in a tenth of
 * that. Unlike the virtual clock it needs no driving: HTTP requests keep running on real time, and
 * so do the transport's retry waits and its check of a poll's deadline (ahead on this clock), so it
 * suits runs whose requests are not retried. Durations a test asserts are read from this clock
 * (`elapsed`), never from the wall clock.
 */
export class FastClock implements Clock {
	private readonly origin = Date.now();

	constructor(readonly speed = 10) {}

	now = () => this.origin + (Date.now() - this.origin) * this.speed;

	sleep = async (ms: number, signal?: AbortSignal) =>
		await sleepUnlessAborted(ms / this.speed, signal);

	/** Runs `work` and returns its result with the time it took on this clock. */
	async elapsed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
		const startedAt = this.now();
		const result = await work();
		return { result, ms: this.now() - startedAt };
	}
}
