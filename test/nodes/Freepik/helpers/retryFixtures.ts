/**
 * Shared by the Retry On Fail suites: four URL items (one can be made to FAIL), the node settings
 * that turn Retry On Fail on, and what the simulator created per item.
 */
import type { Simulator } from '../../../../simulator';
import { isolateFromUrl, startSimulator, useTuning } from '../../../helpers/freepik';
import { itemsWith, perItemDescription } from '../utils';

export const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

/** Four URL items; the one whose description carries `[sim:fail]` ends FAILED. */
export const fourItems = (failing: string) =>
	itemsWith(
		'voice 0 [sim:duration=1500]',
		'voice 1 [sim:duration=1500]',
		'voice 2 [sim:duration=1500]',
		`voice 3 ${failing}`,
	);

export const isolateEach = (extra: Record<string, unknown> = {}) =>
	isolateFromUrl({ description: perItemDescription, ...extra });

/** How many tasks the simulator created for each item (by the `voice N` in their description). */
export function createsPerItem(sim: Simulator): number[] {
	const counts = [0, 0, 0, 0];
	for (const task of sim.tasks.values()) {
		const n = Number(/voice (\d)/.exec(String(task.body.description))?.[1]);
		counts[n]++;
	}
	return counts;
}

export const tasksOfItem = (sim: Simulator, n: number) =>
	[...sim.tasks.values()]
		.filter((task) => String(task.body.description).startsWith(`voice ${n}`))
		.sort((a, b) => a.index - b.index)
		.map((task) => task.id);

/** One simulator for the suite (reset before each case), polled soon after each create. */
export function useRetrySimulator(set: (sim: Simulator) => void): void {
	let sim: Simulator;
	let restoreTuning: () => void;
	beforeAll(async () => {
		sim = await startSimulator();
		set(sim);
		restoreTuning = useTuning({ engine: { firstPollDelayMs: 50 } });
	});
	afterAll(async () => {
		restoreTuning();
		await sim.close();
	});
	beforeEach(() => sim.reset({ options: true }));
}
