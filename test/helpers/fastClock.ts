import { sleepUnlessAborted } from '../../nodes/Freepik/helpers/clock';
import type { Clock } from '../../nodes/Freepik/helpers/jobTypes';

/**
 * The waiting engine's clock for runs against the real simulator: time passes `speed` times faster
 * than real time, so a Max Wait Time of 2 s or a Poll Interval of 1 s is waited out in a tenth of
 * that. Unlike the virtual clock it needs no driving: HTTP requests keep running on real time, and
 * so do the transport's retry waits and its check of a poll's deadline (ahead on this clock), so it
 * suits runs whose requests are not retried. It only makes runs shorter: tests assert what the
 * simulator saw (requests, their order, statuses), never how long a run took.
 */
export class FastClock implements Clock {
	private readonly origin = Date.now();

	constructor(readonly speed = 10) {}

	/** Every time the engine read this clock, in order (the first of a run is when it started). */
	readonly readings: number[] = [];

	now = () => {
		const now = this.at(Date.now());
		if (this.readings.length < 100_000) this.readings.push(now);
		return now;
	};

	sleep = async (ms: number, signal?: AbortSignal) =>
		await sleepUnlessAborted(ms / this.speed, signal);

	/** A wall-clock moment (e.g. when the simulator received a request) on this clock. */
	at(wallMs: number): number {
		return this.origin + (wallMs - this.origin) * this.speed;
	}
}
