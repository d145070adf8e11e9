/**
 * A Freepik audio-isolation task, as the API returns it inside `data` (and webhooks send it bare).
 */
export interface FreepikTask {
	task_id: string;
	status: string;
	generated: string[];
	[key: string]: unknown;
}

/** Statuses compare case-insensitively: "completed" is COMPLETED. */
export function hasStatus(
	task: Pick<FreepikTask, 'status'>,
	status: 'COMPLETED' | 'FAILED',
): boolean {
	return typeof task.status === 'string' && task.status.toUpperCase() === status;
}
