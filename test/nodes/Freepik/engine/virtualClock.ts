import type { Clock } from '../../../../nodes/Freepik/helpers/jobTypes';

interface Timer {
	at: number;
	seq: number;
	resolve: () => void;
}

const settleMicrotasks = async () => await new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Time that only moves when nothing else can happen: `run` lets every pending promise settle, then
 * jumps to the earliest sleeper. Minutes of engine behaviour take milliseconds of test time.
 */
export class VirtualClock implements Clock {
	private time = 0;
	private seq = 0;
	private timers: Timer[] = [];

	now = () => this.time;

	sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
		if (signal?.aborted) return;
		await new Promise<void>((resolve) => {
			const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve };
			this.timers.push(timer);
			signal?.addEventListener(
				'abort',
				() => {
					this.timers = this.timers.filter((t) => t !== timer);
					resolve();
				},
				{ once: true },
			);
		});
	};

	/** Calls `action` at virtual time `at`. */
	at(at: number, action: () => void): void {
		void this.sleep(at - this.time).then(action);
	}

	/** Runs `work` to its end on virtual time; fails if it would run past `limitMs` or deadlocks. */
	async run<T>(work: Promise<T>, limitMs = 24 * 3600_000): Promise<T> {
		let settled = false;
		work.then(
			() => (settled = true),
			() => (settled = true),
		);
		for (;;) {
			await settleMicrotasks();
			if (settled) return await work;
			if (!this.timers.length)
				throw new Error(
					`virtual clock: nothing scheduled at ${this.time} ms and the work is not done`,
				);
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.timers.shift()!;
			if (next.at > limitMs) throw new Error(`virtual clock: still running at ${limitMs} ms`);
			this.time = Math.max(this.time, next.at);
			next.resolve();
		}
	}
}
