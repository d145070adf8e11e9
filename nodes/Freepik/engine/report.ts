import type { TaskOutcome } from '../helpers/jobTypes';

export interface SlotView {
	itemIndex: number;
	queued: boolean;
	outcome?: TaskOutcome;
}

/** The progress line logged while a long batch runs. Cancelled tasks count as running: they are. */
export function progressLine(slots: SlotView[], running: number, elapsedMs: number): string {
	let ok = 0;
	let failed = 0;
	let cancelled = 0;
	let queued = slots.filter((slot) => slot.queued).length;
	for (const { outcome } of slots) {
		if (!outcome) continue;
		if (outcome.ok) ok++;
		else if (outcome.failure.kind !== 'cancelled') failed++;
		else if (outcome.task || outcome.createInFlight) cancelled++;
		else queued++;
	}
	return (
		`${ok + failed} of ${slots.length} tasks finished (${ok} ok, ${failed} failed), ` +
		`${running + cancelled} running, ${queued} queued; ${Math.round(elapsedMs / 1000)} s ` +
		'elapsed'
	);
}

/** One warn line per task a cancelled batch leaves behind, so no created task goes unnamed. */
export function cancelLines(slots: SlotView[]): string[] {
	const lines: string[] = [];
	for (const { itemIndex, outcome } of slots) {
		if (!outcome || outcome.ok || outcome.failure.kind !== 'cancelled') continue;
		if (outcome.task) {
			lines.push(
				`Freepik: execution cancelled; item ${itemIndex}: task ${outcome.task.task_id} keeps ` +
					`running on Freepik (last status ${outcome.task.status})`,
			);
		} else if (outcome.createInFlight) {
			lines.push(
				`Freepik: execution cancelled; item ${itemIndex}: create was in flight, a task may ` +
					'have been created (check Get Many; last status unknown)',
			);
		}
	}
	return lines;
}
