import type { IBinaryKeyData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { cancelledError, type FreepikClient } from '../transport';
import { downloadGeneratedFiles } from './binary';
import type { FreepikTask } from './types';

/**
 * The waiting engine: runs a whole batch of tasks at once. Submissions are capped by `maxInFlight`,
 * every unfinished task is polled on its own interval from one shared loop (finished ones drop out),
 * results are downloaded with bounded concurrency, and all HTTP goes through the client's shared
 * rate limiter. Outcomes come back in input order and always carry the task once it exists.
 */

export interface WaitSettings {
	pollIntervalMs: number;
	maxWaitMs: number;
	download: boolean;
	outputBinaryPropertyName: string;
}

export interface TaskJob {
	itemIndex: number;
	/** Creates the task (Isolate). Without it, `taskId` names an existing task (Get). */
	submit?: () => Promise<FreepikTask>;
	taskId?: string;
	/** Absent: return the task as soon as it is created or fetched. */
	wait?: WaitSettings;
	/** Get without waiting can still download a task that is already COMPLETED. */
	downloadIfCompleted?: WaitSettings;
}

export interface JobResult {
	itemIndex: number;
	task?: FreepikTask;
	binary?: IBinaryKeyData;
	error?: Error;
	/** Stopped because another item of the batch failed first: a consequence, not a cause. */
	notFinished?: boolean;
}

export interface EngineOptions {
	maxInFlight: number;
	downloadConcurrency: number;
	/** Without Continue On Fail the batch stops at the first error (after in-flight calls settle). */
	stopOnFirstError: boolean;
	signal?: AbortSignal;
	progressEveryMs?: number;
}

type Phase = 'queued' | 'busy' | 'waiting' | 'done';

interface Slot {
	job: TaskJob;
	phase: Phase;
	task?: FreepikTask;
	deadline: number;
	nextPollAt: number;
	result?: JobResult;
}

/** Lets the loop sleep until the next poll is due or until any request settles, whichever is first. */
class Wakeup {
	private resolve?: () => void;
	private pending = false;

	notify() {
		if (this.resolve) {
			this.resolve();
			this.resolve = undefined;
		} else this.pending = true;
	}

	async wait(ms: number) {
		if (this.pending) {
			this.pending = false;
			return;
		}
		await Promise.race([new Promise<void>((r) => (this.resolve = r)), sleep(Math.max(0, ms))]);
		this.resolve = undefined;
	}
}

export async function runTaskJobs(
	ctx: IExecuteFunctions,
	client: FreepikClient,
	jobs: TaskJob[],
	options: EngineOptions,
): Promise<JobResult[]> {
	const slots: Slot[] = jobs.map((job) => ({ job, phase: 'queued', deadline: Infinity, nextPollAt: 0 }));
	const active = new Set<Slot>();
	const wakeup = new Wakeup();
	let downloadsRunning = 0;
	const downloadWaiters: Array<() => void> = [];
	let nextQueued = 0;
	let stopping = false;
	const startedAt = Date.now();
	let lastProgressAt = startedAt;

	const finish = (slot: Slot, result: Omit<JobResult, 'itemIndex'>) => {
		slot.phase = 'done';
		// A Get whose task never answered still names the task it was asked about.
		const task = slot.task ?? (slot.job.taskId ? { task_id: slot.job.taskId, status: 'UNKNOWN', generated: [] } : undefined);
		slot.result = { itemIndex: slot.job.itemIndex, task, ...result };
		active.delete(slot);
		if (result.error && options.stopOnFirstError) stopping = true;
	};

	const run = (slot: Slot, work: () => Promise<void>) => {
		slot.phase = 'busy';
		work()
			.catch((error: Error) => finish(slot, { error: withTaskId(ctx, error, slot.task) }))
			.finally(() => wakeup.notify());
	};

	const startWaiting = (slot: Slot, settings: WaitSettings, firstPollAt: number) => {
		slot.deadline = Date.now() + settings.maxWaitMs;
		slot.nextPollAt = Math.min(firstPollAt, slot.deadline);
		slot.phase = 'waiting';
	};

	const download = async (slot: Slot, settings: WaitSettings) => {
		if (downloadsRunning >= options.downloadConcurrency) {
			await new Promise<void>((resolve) => downloadWaiters.push(resolve));
		}
		downloadsRunning++;
		try {
			const task = slot.task!;
			const binary = await downloadGeneratedFiles(ctx, task, settings.outputBinaryPropertyName, {
				timeoutMs: client.options.timeoutMs,
				refreshTask: async () => (slot.task = await client.getTask(task.task_id, slot.job.itemIndex)),
			});
			finish(slot, { binary });
		} finally {
			downloadsRunning--;
			downloadWaiters.shift()?.();
		}
	};

	const start = (slot: Slot) => {
		active.add(slot);
		const { job } = slot;
		run(slot, async () => {
			if (job.submit) {
				slot.task = await job.submit();
				if (!job.wait) return finish(slot, {});
				return startWaiting(slot, job.wait, Date.now() + job.wait.pollIntervalMs);
			}
			if (job.wait) return startWaiting(slot, job.wait, 0);
			slot.task = await client.getTask(job.taskId!, job.itemIndex);
			const settings = job.downloadIfCompleted;
			if (settings?.download && slot.task.status === 'COMPLETED') return await download(slot, settings);
			finish(slot, {});
		});
	};

	const poll = (slot: Slot) => {
		const settings = slot.job.wait!;
		const taskId = slot.task?.task_id ?? slot.job.taskId!;
		run(slot, async () => {
			const task = await client.getTask(taskId, slot.job.itemIndex, slot.deadline);
			slot.task = task;
			if (task.status === 'COMPLETED') {
				if (settings.download && task.generated.length) return await download(slot, settings);
				return finish(slot, {});
			}
			if (task.status === 'FAILED') return finish(slot, { error: failedError(ctx, task) });
			const now = Date.now();
			if (now >= slot.deadline) return finish(slot, { error: timeoutError(ctx, task, settings) });
			slot.nextPollAt = Math.min(now + settings.pollIntervalMs, slot.deadline);
			slot.phase = 'waiting';
		});
	};

	for (;;) {
		if (options.signal?.aborted || stopping) break;
		while (nextQueued < slots.length && active.size < options.maxInFlight) start(slots[nextQueued++]);
		if (active.size === 0 && nextQueued >= slots.length) break;
		const now = Date.now();
		let nextDue = now + 1000;
		for (const slot of active) {
			if (slot.phase !== 'waiting') continue;
			if (slot.nextPollAt <= now) poll(slot);
			else nextDue = Math.min(nextDue, slot.nextPollAt);
		}
		if (now - lastProgressAt >= (options.progressEveryMs ?? 30_000)) {
			lastProgressAt = now;
			ctx.logger.info(progressLine(slots, active.size, startedAt));
		}
		await wakeup.wait(nextDue - Date.now());
	}

	// Requests already on the wire may still create tasks: let them settle so no task id is lost.
	while ([...active].some((slot) => slot.phase === 'busy')) await wakeup.wait(1000);
	const cancelled = options.signal?.aborted === true;
	for (const slot of slots) {
		if (slot.phase === 'done') continue;
		const reason = cancelled
			? cancelledError(ctx)
			: new NodeOperationError(ctx.getNode(), 'Not finished: another item of this batch failed first');
		finish(slot, { error: withTaskId(ctx, reason, slot.task), notFinished: !cancelled });
	}
	if (cancelled) ctx.logger.info(`Freepik: execution cancelled; ${progressLine(slots, 0, startedAt)}`);
	return slots.map((slot) => slot.result!);
}

function progressLine(slots: Slot[], running: number, startedAt: number): string {
	let completed = 0;
	let failed = 0;
	for (const slot of slots) {
		if (slot.phase !== 'done') continue;
		if (slot.result?.error) failed++;
		else completed++;
	}
	const queued = slots.filter((s) => s.phase === 'queued').length;
	return `Freepik: ${completed + failed} of ${slots.length} tasks finished (${completed} ok, ${failed} failed), ${running} running, ${queued} queued; ${Math.round((Date.now() - startedAt) / 1000)} s elapsed`;
}

export function failedError(ctx: IExecuteFunctions, task: FreepikTask) {
	return new NodeOperationError(ctx.getNode(), `Freepik task ${task.task_id} FAILED`, {
		description: `Freepik reported status FAILED for task ${task.task_id} and gave no reason. Check that the input is a supported, non-silent file and that the description names a sound in it. Task ID: ${task.task_id}`,
	});
}

export function timeoutError(ctx: IExecuteFunctions, task: FreepikTask, settings: WaitSettings) {
	return new NodeOperationError(
		ctx.getNode(),
		`Freepik task ${task.task_id} did not finish within ${Math.round(settings.maxWaitMs / 1000)} s (last status: ${task.status})`,
		{
			description: `The task is still running on Freepik and was not cancelled. Task ID: ${task.task_id}. Pick it up later with the Get operation (Wait for Completion on), or raise "Max Wait Time".`,
		},
	);
}

/** Makes sure an error raised after a task exists names that task (message and description). */
function withTaskId(ctx: IExecuteFunctions, error: Error, task: FreepikTask | undefined): Error {
	if (!task || error.message.includes(task.task_id)) return error;
	const described = error as Error & { description?: string | null };
	if (error instanceof NodeOperationError || 'description' in described) {
		error.message = `${error.message} [task_id ${task.task_id}]`;
		described.description = [described.description, `Task ID: ${task.task_id} (last status ${task.status})`]
			.filter(Boolean)
			.join('\n');
		return error;
	}
	return new NodeOperationError(ctx.getNode(), `${error.message} [task_id ${task.task_id}]`, {
		description: `Task ID: ${task.task_id} (last status ${task.status})`,
	});
}
