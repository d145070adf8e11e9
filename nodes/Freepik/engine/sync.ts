import type { Clock } from '../helpers/jobTypes';

/**
 * Lets the loop sleep until the next poll is due or until something settles, whichever is first.
 */
export class Wakeup {
	private resolve?: () => void;
	private pending = false;

	constructor(private readonly clock: Clock) {}

	notify(): void {
		if (this.resolve) {
			this.resolve();
			this.resolve = undefined;
		} else this.pending = true;
	}

	async wait(ms: number, signal?: AbortSignal): Promise<void> {
		if (this.pending || signal?.aborted) {
			this.pending = false;
			return;
		}
		const notified = new Promise<void>((resolve) => (this.resolve = resolve));
		await Promise.race([notified, this.clock.sleep(Math.max(0, ms), signal)]);
		this.resolve = undefined;
	}
}

/** A counting semaphore whose waiters give up (acquire resolves false) when `signal` aborts. */
export class Slots {
	private used = 0;
	private readonly waiters: Array<(granted: boolean) => void> = [];

	constructor(
		private readonly size: number,
		signal?: AbortSignal,
	) {
		signal?.addEventListener('abort', () => this.waiters.splice(0).forEach((wake) => wake(false)));
		this.aborted = () => signal?.aborted === true;
	}

	private readonly aborted: () => boolean;

	async acquire(): Promise<boolean> {
		if (this.aborted()) return false;
		if (this.used < this.size) {
			this.used++;
			return true;
		}
		return await new Promise<boolean>((resolve) => this.waiters.push(resolve));
	}

	/** Hands the slot straight to the next waiter, if any. */
	release(): void {
		const next = this.waiters.shift();
		if (next) next(true);
		else this.used--;
	}
}
