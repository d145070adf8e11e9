import type { QuietClock } from './clock';

/**
 * Real ms with no sign of progress (no request to the simulator, no callback, no tick of the
 * engine's clock) after which a row stops waiting for it. Only a stuck run sits that long; a
 * starved one still moves.
 */
export const IDLE_MS = 60_000;

/** Something that grows while a row makes progress (e.g. requests seen plus callbacks received). */
export type Progress = () => number;

/** Resolves after `IDLE_MS` without progress (checked every second); `stop` ends the watch. */
export function idleWatch(progress: Progress): { idle: Promise<void>; stop: () => void } {
	let timer: NodeJS.Timeout | undefined;
	const idle = new Promise<void>((resolve) => {
		let last = progress();
		let since = Date.now();
		timer = setInterval(() => {
			const now = progress();
			if (now !== last) [last, since] = [now, Date.now()];
			else if (Date.now() - since >= IDLE_MS) resolve();
		}, 1000);
	});
	return { idle, stop: () => clearInterval(timer) };
}

/**
 * The hang guard of one execution part (the harness's CancelGuard): it cancels the execution once
 * the engine's clock passed `budgetMs` from now (waits that do not end), or once nothing happened
 * for IDLE_MS (a run stuck without waiting).
 */
export function hangGuard(clock: QuietClock, budgetMs: number, progress: Progress) {
	return (cancel: () => void) => {
		const watch = idleWatch(() => progress() + clock.now());
		void watch.idle.then(cancel);
		const unwatch = clock.whenPast(clock.now() + budgetMs, cancel);
		return () => {
			watch.stop();
			unwatch();
		};
	};
}
