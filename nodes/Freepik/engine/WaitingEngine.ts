import type { IBinaryKeyData } from 'n8n-workflow';

import { DEFAULTS } from '../helpers/limits';
import { hasStatus, type FreepikTask } from '../helpers/types';
import { realClock } from '../helpers/clock';
import { PollSchedule } from './pollSchedule';
import { cancelLines, progressLine } from './report';
import { Slots, Wakeup } from './sync';
import type {
	Clock,
	EngineOptions,
	Failure,
	TaskClient,
	TaskJob,
	TaskOutcome,
} from '../helpers/jobTypes';

/** What a slot does once its task exists: wait or not, how often to poll, where to download. */
interface Plan {
	waits: boolean;
	intervalMs: number;
	maxWaitMs: number;
	downloadTo?: string;
}

interface Slot<Body = unknown> {
	job: TaskJob<Body>;
	plan: Plan;
	phase: 'queued' | 'busy' | 'waiting' | 'done';
	task?: FreepikTask;
	deadline: number;
	nextPollAt: number;
	schedule?: PollSchedule;
	emptyRepollsLeft: number;
	createSent: boolean;
	outcome?: TaskOutcome;
}

function planOf(job: TaskJob<unknown>): Plan {
	switch (job.kind) {
		case 'createOnly':
			return { waits: false, intervalMs: 0, maxWaitMs: 0 };
		case 'getOnce':
			return {
				waits: false,
				intervalMs: job.pollIntervalMs,
				maxWaitMs: 0,
				downloadTo: job.downloadTo,
			};
		default:
			return {
				waits: true,
				intervalMs: job.wait.pollIntervalMs,
				maxWaitMs: job.wait.maxWaitMs,
				downloadTo: job.wait.downloadTo,
			};
	}
}

/**
 * The waiting engine: runs a whole batch of tasks at once. Submissions are capped by `maxInFlight`,
 * every unfinished task is polled on its own schedule from one shared loop (finished ones drop
 * out), results are downloaded with bounded concurrency. Outcomes come back in input order and
 * always carry the task once it exists.
 */
export class WaitingEngine<Body = unknown> {
	private readonly slots: Array<Slot<Body>>;
	private readonly active = new Set<Slot<Body>>();
	private readonly clock: Clock;
	private readonly wakeup: Wakeup;
	private readonly downloads: Slots;
	private readonly settings: Required<
		Pick<
			EngineOptions,
			'firstPollDelayMs' | 'pollBackoffFactor' | 'emptyResultRepolls' | 'progressEveryMs'
		>
	>;
	private nextQueued = 0;
	private busy = 0;
	private stopping = false;

	constructor(
		private readonly client: TaskClient<Body>,
		jobs: Array<TaskJob<Body>>,
		private readonly options: EngineOptions,
	) {
		this.clock = options.clock ?? realClock;
		this.wakeup = new Wakeup(this.clock);
		this.downloads = new Slots(options.downloadConcurrency, options.signal);
		this.settings = {
			firstPollDelayMs: options.firstPollDelayMs ?? DEFAULTS.firstPollDelayMs,
			pollBackoffFactor: options.pollBackoffFactor ?? DEFAULTS.pollBackoffFactor,
			emptyResultRepolls: options.emptyResultRepolls ?? DEFAULTS.emptyResultRepolls,
			progressEveryMs: options.progressEveryMs ?? DEFAULTS.progressEveryMs,
		};
		this.slots = jobs.map((job) => ({
			job,
			plan: planOf(job),
			phase: 'queued',
			deadline: Infinity,
			nextPollAt: 0,
			emptyRepollsLeft: this.settings.emptyResultRepolls,
			createSent: false,
		}));
		options.signal?.addEventListener('abort', () => this.wakeup.notify());
	}

	async run(): Promise<TaskOutcome[]> {
		const startedAt = this.clock.now();
		let lastProgressAt = startedAt;
		while (!this.options.signal?.aborted && !this.stopping) {
			while (this.nextQueued < this.slots.length && this.active.size < this.options.maxInFlight) {
				this.start(this.slots[this.nextQueued++]);
			}
			if (this.active.size === 0) break;
			const now = this.clock.now();
			const nextDue = this.pollDueSlots(now);
			if (now - lastProgressAt >= this.settings.progressEveryMs) {
				lastProgressAt = now;
				this.options.log?.info(
					`Freepik: ${progressLine(this.views(), this.active.size, now - startedAt)}`,
				);
			}
			await this.wakeup.wait(nextDue - this.clock.now(), this.options.signal);
		}
		// Requests already on the wire may still create tasks: let them settle so no task id is lost.
		while (this.busy > 0) await this.wakeup.wait(1000);
		this.finishTheRest(startedAt);
		return this.slots.map((slot) => slot.outcome!);
	}

	/** Polls every slot that is due; returns when the next one will be (at most a second away). */
	private pollDueSlots(now: number): number {
		let nextDue = now + 1000;
		for (const slot of this.active) {
			if (slot.phase !== 'waiting') continue;
			if (slot.nextPollAt <= now) this.poll(slot);
			else nextDue = Math.min(nextDue, slot.nextPollAt);
		}
		return nextDue;
	}

	private finishTheRest(startedAt: number): void {
		const cancelled = this.options.signal?.aborted === true;
		for (const slot of this.slots) {
			if (slot.phase !== 'done')
				this.finish(slot, { kind: cancelled ? 'cancelled' : 'notFinished' });
		}
		if (!cancelled) return;
		for (const line of cancelLines(this.views())) this.options.log?.warn(line);
		this.options.log?.warn(
			`Freepik: execution cancelled. ${progressLine(this.views(), 0, this.clock.now() - startedAt)}`,
		);
	}

	private views() {
		return this.slots.map((slot) => ({
			itemIndex: slot.job.itemIndex,
			queued: slot.phase === 'queued',
			outcome: slot.outcome,
		}));
	}

	private start(slot: Slot<Body>): void {
		this.active.add(slot);
		const { job } = slot;
		this.run1(slot, async () => {
			if (job.kind === 'getAndWait') return this.startWaiting(slot, 0);
			if (job.kind === 'getOnce') {
				slot.task = await this.client.get(job.taskId, job.itemIndex);
				return await this.onStatus(slot);
			}
			slot.createSent = true;
			slot.task = await this.client.create(job.body, job.itemIndex);
			if (job.kind === 'createOnly') return this.succeed(slot);
			this.startWaiting(slot, this.schedule(slot).next());
		});
	}

	private schedule(slot: Slot<Body>): PollSchedule {
		slot.schedule ??= new PollSchedule(
			slot.plan.intervalMs,
			this.settings.firstPollDelayMs,
			this.settings.pollBackoffFactor,
		);
		return slot.schedule;
	}

	private startWaiting(slot: Slot<Body>, firstPollInMs: number): void {
		const now = this.clock.now();
		slot.deadline = now + slot.plan.maxWaitMs;
		slot.nextPollAt = Math.min(now + firstPollInMs, slot.deadline);
		slot.phase = 'waiting';
	}

	private poll(slot: Slot<Body>): void {
		const taskId = slot.task?.task_id ?? (slot.job as { taskId: string }).taskId;
		this.run1(slot, async () => {
			slot.task = await this.client.get(taskId, slot.job.itemIndex, slot.deadline);
			await this.onStatus(slot);
		});
	}

	private async onStatus(slot: Slot<Body>): Promise<void> {
		const task = slot.task!;
		if (hasStatus(task, 'COMPLETED')) return await this.onCompleted(slot);
		if (hasStatus(task, 'FAILED') && slot.plan.waits) return this.fail(slot, { kind: 'failed' });
		if (!slot.plan.waits) return this.succeed(slot);
		const now = this.clock.now();
		if (now >= slot.deadline)
			return this.fail(slot, { kind: 'timeout', maxWaitMs: slot.plan.maxWaitMs });
		slot.nextPollAt = Math.min(now + this.schedule(slot).next(), slot.deadline);
		slot.phase = 'waiting';
	}

	private async onCompleted(slot: Slot<Body>): Promise<void> {
		const propertyName = slot.plan.downloadTo;
		if (propertyName === undefined) return this.succeed(slot);
		if (!slot.task!.generated.length) return this.repollEmpty(slot);
		if (!(await this.downloads.acquire())) return this.fail(slot, { kind: 'cancelled' });
		try {
			const binary = await this.client.download(slot.task!, propertyName, slot.job.itemIndex);
			this.succeed(slot, binary);
		} finally {
			this.downloads.release();
		}
	}

	/** COMPLETED without files can be a moment before Freepik lists them: ask again a few times. */
	private repollEmpty(slot: Slot<Body>): void {
		if (slot.emptyRepollsLeft-- <= 0) return this.fail(slot, { kind: 'noResultFiles' });
		slot.plan.waits = true;
		slot.deadline = Infinity;
		slot.nextPollAt = this.clock.now() + slot.plan.intervalMs;
		slot.phase = 'waiting';
	}

	/** Runs one request of a slot; the loop wakes up when it settles. */
	private run1(slot: Slot<Body>, work: () => Promise<void>): void {
		slot.phase = 'busy';
		this.busy++;
		work()
			.catch((error: Error) =>
				this.fail(
					slot,
					this.options.signal?.aborted ? { kind: 'cancelled' } : { kind: 'error', error },
				),
			)
			.finally(() => {
				this.busy--;
				this.wakeup.notify();
			});
	}

	private succeed(slot: Slot<Body>, binary?: IBinaryKeyData): void {
		this.settle(slot, {
			itemIndex: slot.job.itemIndex,
			ok: true,
			task: slot.task!,
			...(binary ? { binary } : {}),
		});
	}

	private fail(slot: Slot<Body>, failure: Failure): void {
		if (
			failure.kind !== 'cancelled' &&
			failure.kind !== 'notFinished' &&
			this.options.stopOnFirstError
		)
			this.stopping = true;
		this.finish(slot, failure);
	}

	private finish(slot: Slot<Body>, failure: Failure): void {
		const { job } = slot;
		// A Get whose task never answered still names the task it was asked about.
		const task =
			slot.task ??
			('taskId' in job ? { task_id: job.taskId, status: 'UNKNOWN', generated: [] } : undefined);
		const createInFlight = failure.kind === 'cancelled' && slot.createSent && !slot.task;
		this.settle(slot, {
			itemIndex: job.itemIndex,
			ok: false,
			failure,
			task,
			...(createInFlight ? { createInFlight } : {}),
		});
	}

	private settle(slot: Slot<Body>, outcome: TaskOutcome): void {
		slot.phase = 'done';
		slot.outcome = outcome;
		this.active.delete(slot);
	}
}
