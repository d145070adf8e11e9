import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { WaitingEngine } from './WaitingEngine';
import type { EngineOptions, TaskClient, TaskJob, TaskOutcome } from '../helpers/jobTypes';
import { FreepikClient, type ClientOptions, type RequestBody } from '../transport';
import { downloadGeneratedFiles, type DownloadOptions } from '../helpers/binary';
import { itemError, presentError } from '../helpers/outputs';
import { DEFAULTS } from '../helpers/limits';
import { EarlierTries, retryScope } from '../helpers/retryReuse';
import { isUpload, UploadSlots } from '../helpers/uploadSlots';

/**
 * Settings a caller can change without parameters: the node's constructor takes them (tests pass
 * short retry waits or a virtual clock); n8n constructs the node without, so the defaults apply.
 * They are merged into the batch's settings once, with the node's Tuning collection.
 */
export interface Tuning {
	client?: Partial<ClientOptions>;
	download?: Pick<DownloadOptions, 'attempts' | 'retryDelayMs'>;
	engine?: Pick<
		EngineOptions,
		'clock' | 'firstPollDelayMs' | 'pollBackoffFactor' | 'emptyResultRepolls' | 'progressEveryMs'
	>;
}

/**
 * Runs `step` for every item. With Continue On Fail an item whose step throws becomes a failed
 * outcome and the others go on; without it the first error is thrown, pointing at its item.
 */
export async function eachItem<T>(
	ctx: IExecuteFunctions,
	count: number,
	step: (itemIndex: number) => T | Promise<T>,
): Promise<{ done: Array<{ itemIndex: number; value: T }>; failed: TaskOutcome[] }> {
	const continueOnFail = ctx.continueOnFail();
	const done: Array<{ itemIndex: number; value: T }> = [];
	const failed: TaskOutcome[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			done.push({ itemIndex, value: await step(itemIndex) });
		} catch (error) {
			if (!continueOnFail) throw presentError(ctx, asNodeError(ctx, error as Error, itemIndex));
			failed.push(itemError(itemIndex, error as Error));
		}
	}
	return { done, failed };
}

function asNodeError(ctx: IExecuteFunctions, error: Error, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

/** The engine's three calls on top of the Freepik client and the binary downloader. */
export function taskClient(
	client: FreepikClient,
	ctx: IExecuteFunctions,
	download: NonNullable<Tuning['download']>,
	uploads = new UploadSlots(DEFAULTS.maxParallelUploads),
): TaskClient<RequestBody> {
	const create = async (body: RequestBody, itemIndex: number) =>
		await client.createTask(body, itemIndex);
	return {
		create: async (body, itemIndex) =>
			isUpload(body)
				? await uploads.run(async () => await create(body, itemIndex))
				: await create(body, itemIndex),
		get: async (taskId, itemIndex, deadline) => await client.getTask(taskId, itemIndex, deadline),
		download: async (task, propertyName, itemIndex) =>
			await downloadGeneratedFiles(ctx, task, propertyName, {
				...download,
				timeoutMs: client.options.timeoutMs,
				signal: client.options.signal,
				refreshTask: async () => await client.getTask(task.task_id, itemIndex),
			}),
	};
}

/** Everything one batch runs with: the node's Tuning collection over the constructor's Tuning. */
export interface BatchSettings {
	client: Partial<ClientOptions>;
	engine: NonNullable<Tuning['engine']> &
		Pick<EngineOptions, 'maxInFlight' | 'downloadConcurrency' | 'signal'>;
	download: NonNullable<Tuning['download']>;
	/** Creates that inline a file, sent at once (each holds its body in memory while in flight). */
	maxParallelUploads: number;
}

/**
 * One client (one rate limiter) and one engine wait for the whole batch. When n8n reruns the node
 * (Retry On Fail), what earlier tries created is reused instead of created again.
 */
export async function runJobs(
	ctx: IExecuteFunctions,
	settings: BatchSettings,
	jobs: Array<TaskJob<RequestBody>>,
): Promise<TaskOutcome[]> {
	const earlierTries = new EarlierTries<RequestBody>(ctx, retryScope(ctx));
	const planned = earlierTries.plan(jobs);
	if (!planned.jobs.length) return [...planned.answered, ...earlierTries.record([])];
	const client = await FreepikClient.create(ctx, settings.client);
	const engine = new WaitingEngine(
		taskClient(client, ctx, settings.download, new UploadSlots(settings.maxParallelUploads)),
		planned.jobs,
		{
			...settings.engine,
			stopOnFirstError: !ctx.continueOnFail(),
			log: ctx.logger,
		},
	);
	return [...planned.answered, ...earlierTries.record(await engine.run())];
}
