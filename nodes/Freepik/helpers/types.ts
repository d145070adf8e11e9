/** A Freepik audio-isolation task, as the API returns it inside `data` (and webhooks send it bare). */
export interface FreepikTask {
	task_id: string;
	status: string;
	generated: string[];
	[key: string]: unknown;
}

export const TERMINAL_STATUSES = ['COMPLETED', 'FAILED'] as const;
