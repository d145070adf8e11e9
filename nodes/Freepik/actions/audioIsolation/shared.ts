import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { TaskJob, WaitSettings } from '../../helpers/jobTypes';
import { eachItem, runJobs, type BatchSettings, type Tuning } from '../../engine/batch';
import { DEFAULTS } from '../../helpers/limits';
import { toOutputItems } from '../../helpers/outputs';
import { checkRange, invalid, LIMITS } from '../../helpers/validation';
import type { RequestBody } from '../../transport';
import { FREEPIK_RATE_LIMITS } from '../../transport/rateLimiter';

/** Fields shared by Isolate and Get: whether to wait, whether to download, and how. */
export function waitFields(waitDefault: boolean): INodeProperties[] {
	const waitForCompletion: INodeProperties = {
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until Freepik finishes the task. Off: the node returns at once (use a ' +
			'Freepik Trigger or Get later). A batch of items is waited for all at once.',
	};
	return [
		// n8n's lint wants a literal boolean default above; Isolate waits by default, Get does not.
		{ ...waitForCompletion, default: waitDefault },
		{
			displayName: 'Download Result',
			name: 'downloadResult',
			type: 'boolean',
			default: true,
			// An AI Agent passes only JSON to the model: the tool variant never downloads.
			displayOptions: { show: { waitForCompletion: [true], '@tool': [false] } },
			description:
				'Whether to download the isolated WAV into the output binary field when the task ' +
				'completes (the links Freepik returns expire)',
		},
	];
}

export const waitOptionFields: INodeProperties[] = [
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: LIMITS.pollInterval.min, maxValue: LIMITS.pollInterval.max },
		default: 5, // DEFAULTS.pollInterval (literal for lint; Freepik.node.test.ts checks)
		description:
			'The longest gap between two checks of a task while waiting. Checks start half a ' +
			'second after submitting and slow down to this.',
	},
	{
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitTime',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxWaitTime.min, maxValue: LIMITS.maxWaitTime.max },
		default: 600, // DEFAULTS.maxWaitTime (literal for lint; Freepik.node.test.ts checks)
		description:
			'Give up waiting after this long; the error names the task ID so it can be picked up ' +
			'later with Get',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data', // DEFAULTS.outputBinaryPropertyName (literal for lint; a test checks)
		description:
			'Binary field for the isolated WAV; further files go to &lt;field&gt;_1, &lt;field&gt;_2, …',
	},
];

/** Options and settings in the order n8n's panel lists them: alphabetical. */
export const alphabetical = (fields: INodeProperties[]): INodeProperties[] =>
	[...fields].sort((a, b) => a.displayName.localeCompare(b.displayName));

/** The everyday choices; the rate, concurrency and timeout settings live in `tuningCollection`. */
export const optionsCollection = (options: INodeProperties[]): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: alphabetical(options),
});

/** Rate limits, concurrency and timeouts, kept apart from the everyday Options. */
export const tuningCollection = (settings: INodeProperties[]): INodeProperties => ({
	displayName: 'Tuning',
	name: 'tuning',
	type: 'collection',
	placeholder: 'Add Setting',
	default: {},
	description: "Rate limits, concurrency and timeouts; the defaults suit Freepik's standard plan",
	options: alphabetical(settings),
});

export const batchOptionFields: INodeProperties[] = [
	{
		displayName: 'Max Tasks in Flight',
		name: 'maxTasksInFlight',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxTasksInFlight.min, maxValue: LIMITS.maxTasksInFlight.max },
		default: 25, // DEFAULTS.maxTasksInFlight (literal for lint; Freepik.node.test.ts checks)
		description:
			'For batches: how many tasks may be submitted and not yet finished at once. Read from ' +
			'the first item.',
	},
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: LIMITS.requestTimeout.min, maxValue: LIMITS.requestTimeout.max },
		default: 120, // DEFAULTS.requestTimeout (literal for lint; Freepik.node.test.ts checks)
		description: 'How long one HTTP request to Freepik may take before it is abandoned',
	},
	{
		displayName: 'Average Requests per Second',
		name: 'averageRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: LIMITS.averageRequestsPerSecond.min, numberPrecision: 1 },
		default: 10, // FREEPIK_RATE_LIMITS.averagePerSecond (n8n's lint wants a literal)
		description:
			"Your account's average rate limit (Freepik's default: 10/s over 2 minutes). The node " +
			'stays under it by itself.',
	},
	{
		displayName: 'Burst Requests per Second',
		name: 'burstRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: LIMITS.burstRequestsPerSecond.min, numberPrecision: 1 },
		default: 50, // FREEPIK_RATE_LIMITS.burstPerSecond
		description: "Your account's burst limit (Freepik's default: 50/s for at most 5 s)",
	},
];

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** The labels that errors about the numeric options name (as the panel shows them). */
const OPTION_LABELS = {
	pollInterval: 'Poll Interval (Seconds)',
	maxWaitTime: 'Max Wait Time (Seconds)',
	requestTimeout: 'Request Timeout (Seconds)',
	maxTasksInFlight: 'Max Tasks in Flight',
	averageRequestsPerSecond: 'Average Requests per Second',
	burstRequestsPerSecond: 'Burst Requests per Second',
	maxParallelUploads: 'Max Parallel Uploads',
} as const;

/** A numeric option, its default when unset, checked against its limits. */
function readNumberOption(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	name: keyof typeof OPTION_LABELS,
	integer = false,
): number {
	const value = options[name] ?? DEFAULTS[name];
	return checkRange(ctx, itemIndex, OPTION_LABELS[name], value, LIMITS[name], integer);
}

export function readWaitSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	download: boolean,
): WaitSettings {
	const pollIntervalMs = readNumberOption(ctx, itemIndex, options, 'pollInterval') * 1000;
	const maxWaitMs = readNumberOption(ctx, itemIndex, options, 'maxWaitTime') * 1000;
	const outputBinaryPropertyName = String(
		options.outputBinaryPropertyName ?? DEFAULTS.outputBinaryPropertyName,
	).trim();
	if (download && !outputBinaryPropertyName)
		invalid(ctx, itemIndex, 'Put Output File in Field', 'must not be empty');
	return {
		pollIntervalMs,
		maxWaitMs,
		...(download ? { downloadTo: outputBinaryPropertyName } : {}),
	};
}

/**
 * Batch-wide settings come from the first item's Tuning (one client and one loop serve the batch).
 */
export function readBatchSettings(ctx: IExecuteFunctions): BatchSettings {
	const options = ctx.getNodeParameter('tuning', 0, {}) as IDataObject;
	const average = readNumberOption(ctx, 0, options, 'averageRequestsPerSecond');
	const burst = readNumberOption(ctx, 0, options, 'burstRequestsPerSecond');
	const signal = ctx.getExecutionCancelSignal?.();
	return {
		client: {
			timeoutMs: readNumberOption(ctx, 0, options, 'requestTimeout') * 1000,
			rateLimits: {
				...FREEPIK_RATE_LIMITS,
				averagePerSecond: average,
				burstPerSecond: Math.max(burst, average),
			},
			signal,
		},
		engine: {
			maxInFlight: readNumberOption(ctx, 0, options, 'maxTasksInFlight', true),
			downloadConcurrency: DEFAULTS.downloadConcurrency,
			signal,
		},
		maxParallelUploads: readNumberOption(ctx, 0, options, 'maxParallelUploads', true),
	};
}

/**
 * Isolate and Get: every item becomes a job (all checked before the first request), one engine
 * waits for them all, and the outcomes become output items or the error that stopped the batch.
 */
export async function runTaskOperation(
	ctx: IExecuteFunctions,
	itemCount: number,
	tuning: Tuning,
	jobOf: (itemIndex: number) => TaskJob<RequestBody> | Promise<TaskJob<RequestBody>>,
): Promise<INodeExecutionData[]> {
	const settings = readBatchSettings(ctx);
	const { done, failed } = await eachItem(ctx, itemCount, jobOf);
	const outcomes = await runJobs(
		ctx,
		tuning,
		settings,
		done.map(({ value }) => value),
	);
	return toOutputItems(ctx, [...failed, ...outcomes], ctx.continueOnFail());
}
