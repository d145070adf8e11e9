import type { IBinaryKeyData } from 'n8n-workflow';

import type { TaskClient } from '../../../../nodes/Freepik/helpers/jobTypes';
import type { FreepikTask } from '../../../../nodes/Freepik/helpers/types';
import type { VirtualClock } from './virtualClock';

/** How a task behaves: its duration, its end, and how many polls list no files after COMPLETED. */
export interface TaskSpec {
	durationMs: number;
	fate?: 'COMPLETED' | 'FAILED' | 'never';
	emptyPolls?: number;
	/** How the status is spelled (Freepik could change case). */
	spell?: (status: string) => string;
}

export interface Call {
	op: 'create' | 'get' | 'download';
	at: number;
	itemIndex: number;
	taskId?: string;
}

/**
 * An in-memory Freepik on the virtual clock: every call takes `latencyMs`, tasks finish after their
 * duration. The request body is the task's spec. It records every call and the peak number of
 * downloads running at once; `failNext` makes the next call of a kind throw.
 */
export class FakeApi implements TaskClient<TaskSpec> {
	readonly calls: Call[] = [];
	readonly tasks = new Map<
		string,
		{ spec: TaskSpec; createdAt: number; polledAfterDone: number }
	>();
	readonly failNext: Partial<Record<Call['op'], Error>> = {};
	downloadsRunning = 0;
	peakDownloads = 0;

	constructor(
		private readonly clock: VirtualClock,
		private readonly latencyMs = 20,
		private readonly downloadMs = 200,
	) {}

	private async call(op: Call['op'], itemIndex: number, taskId?: string, ms = this.latencyMs) {
		this.calls.push({ op, at: this.clock.now(), itemIndex, taskId });
		await this.clock.sleep(ms);
		const error = this.failNext[op];
		if (error) {
			delete this.failNext[op];
			throw error;
		}
	}

	async create(spec: TaskSpec, itemIndex: number): Promise<FreepikTask> {
		await this.call('create', itemIndex);
		const taskId = `task-${this.tasks.size}`;
		this.tasks.set(taskId, { spec, createdAt: this.clock.now(), polledAfterDone: 0 });
		return this.view(taskId);
	}

	async get(taskId: string, itemIndex: number): Promise<FreepikTask> {
		await this.call('get', itemIndex, taskId);
		return this.view(taskId);
	}

	async download(
		task: FreepikTask,
		propertyName: string,
		itemIndex: number,
	): Promise<IBinaryKeyData> {
		this.downloadsRunning++;
		this.peakDownloads = Math.max(this.peakDownloads, this.downloadsRunning);
		try {
			await this.call('download', itemIndex, task.task_id, this.downloadMs);
		} finally {
			this.downloadsRunning--;
		}
		return { [propertyName]: { data: '', mimeType: 'audio/wav', fileName: `${task.task_id}.wav` } };
	}

	/** Creates a task directly, as Get tests need one that exists before the run. */
	seed(spec: TaskSpec, createdAt = this.clock.now()): string {
		const taskId = `task-${this.tasks.size}`;
		this.tasks.set(taskId, { spec, createdAt, polledAfterDone: 0 });
		return taskId;
	}

	/** Moment the task finished on the server. */
	doneAt(taskId: string): number {
		const task = this.tasks.get(taskId)!;
		return task.createdAt + task.spec.durationMs;
	}

	callsFor(taskId: string, op: Call['op'] = 'get'): Call[] {
		return this.calls.filter((c) => c.taskId === taskId && c.op === op);
	}

	private view(taskId: string): FreepikTask {
		const task = this.tasks.get(taskId);
		if (!task) throw new Error(`no task ${taskId}`);
		const { spec } = task;
		const done = spec.fate !== 'never' && this.clock.now() >= this.doneAt(taskId);
		const status = done ? (spec.fate ?? 'COMPLETED') : 'IN_PROGRESS';
		let generated: string[] = [];
		if (status === 'COMPLETED') {
			generated =
				task.polledAfterDone >= (spec.emptyPolls ?? 0) ? [`https://files.test/${taskId}.wav`] : [];
			task.polledAfterDone++;
		}
		return { task_id: taskId, status: spec.spell ? spec.spell(status) : status, generated };
	}
}
