/**
 * When to poll a task next: soon after submit, then backing off by `factor` up to the user's Poll
 * Interval. A task that takes 1 s is seen done within about half a second; a long task costs about
 * ⌈duration / interval⌉ polls plus the few early ones.
 */
export class PollSchedule {
	private nextDelayMs: number;

	constructor(
		private readonly intervalMs: number,
		firstDelayMs: number,
		private readonly factor: number,
	) {
		this.nextDelayMs = Math.min(firstDelayMs, intervalMs);
	}

	next(): number {
		const delay = this.nextDelayMs;
		this.nextDelayMs = Math.min(this.intervalMs, Math.max(1, delay * this.factor));
		return delay;
	}
}
