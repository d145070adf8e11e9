import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { TaskJob, WaitSettings } from '../../helpers/jobTypes';
import { eachItem, runJobs, type BatchSettings, type Tuning } from '../../engine/batch';
import { bounds, FIELDS, type FieldName, type NumberField } from '../../helpers/fields';
import { DEFAULTS } from '../../helpers/limits';
import { toOutputItems } from '../../helpers/outputs';
import { checkRange, invalid } from '../../helpers/validation';
import type { RequestBody } from '../../transport';
import { FREEPIK_RATE_LIMITS, type RateLimits } from '../../transport/rateLimiter';

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
		// Isolate waits by default, Get does not.
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
		displayName: FIELDS.pollInterval.label,
		name: 'pollInterval',
		type: 'number',
		typeOptions: bounds(FIELDS.pollInterval),
		default: 5,
		description:
			'The longest gap between two checks of a task while waiting. Checks start half a ' +
			'second after submitting and slow down to this.',
	},
	{
		displayName: FIELDS.maxWaitTime.label,
		name: 'maxWaitTime',
		type: 'number',
		typeOptions: bounds(FIELDS.maxWaitTime),
		default: 600,
		description:
			'Give up waiting after this long; the error names the task ID so it can be picked up ' +
			'later with Get',
	},
	{
		displayName: FIELDS.outputBinaryPropertyName.label,
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data',
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
		displayName: FIELDS.maxTasksInFlight.label,
		name: 'maxTasksInFlight',
		type: 'number',
		typeOptions: bounds(FIELDS.maxTasksInFlight),
		default: 25,
		description:
			'For batches: how many tasks may be submitted and not yet finished at once. Read from ' +
			'the first item.',
	},
	{
		displayName: FIELDS.requestTimeout.label,
		name: 'requestTimeout',
		type: 'number',
		typeOptions: bounds(FIELDS.requestTimeout),
		default: 120,
		description:
			'How long one HTTP request to Freepik may take before it is abandoned, and how long it ' +
			'may wait for the rate limiter before it fails unsent',
	},
	{
		displayName: FIELDS.averageRequestsPerSecond.label,
		name: 'averageRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: FIELDS.averageRequestsPerSecond.min, numberPrecision: 1 },
		default: 10,
		description:
			"Your account's average rate limit (Freepik's default: 10/s over 2 minutes). The node " +
			'stays under it by itself; Freepik nodes calling one API host share one limiter, which ' +
			'keeps under the lowest value any of them sets.',
	},
	{
		displayName: FIELDS.burstRequestsPerSecond.label,
		name: 'burstRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: FIELDS.burstRequestsPerSecond.min, numberPrecision: 1 },
		default: 50,
		description:
			"Your account's burst limit (Freepik's default: 50/s for at most 5 s). As with the " +
			'average, the lowest value set by any node on one API host applies.',
	},
];

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

type NumberFieldName = {
	[K in FieldName]: (typeof FIELDS)[K] extends NumberField ? K : never;
}[FieldName];

/** A numeric option, its default when unset, checked against its limits. */
function readNumberOption(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	name: NumberFieldName,
): number {
	const field = FIELDS[name];
	return checkRange(ctx, itemIndex, field, options[name] ?? field.default);
}

export function readWaitSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	download: boolean,
): WaitSettings {
	const pollIntervalMs = readNumberOption(ctx, itemIndex, options, 'pollInterval') * 1000;
	const maxWaitMs = readNumberOption(ctx, itemIndex, options, 'maxWaitTime') * 1000;
	const field = FIELDS.outputBinaryPropertyName;
	const outputBinaryPropertyName = String(options.outputBinaryPropertyName ?? field.default).trim();
	if (download && !outputBinaryPropertyName)
		invalid(ctx, itemIndex, field.label, 'must not be empty');
	return {
		pollIntervalMs,
		maxWaitMs,
		...(download ? { downloadTo: outputBinaryPropertyName } : {}),
	};
}

/**
 * The Tuning fields every request of the node obeys: Request Timeout and the rate limits (the
 * resumed execution's callback reads them too: its look-ups share the host's limiter).
 */
export function clientSettings(
	ctx: IExecuteFunctions,
	options: IDataObject,
): { timeoutMs: number; rateLimits: RateLimits } {
	const average = readNumberOption(ctx, 0, options, 'averageRequestsPerSecond');
	const burst = readNumberOption(ctx, 0, options, 'burstRequestsPerSecond');
	return {
		timeoutMs: readNumberOption(ctx, 0, options, 'requestTimeout') * 1000,
		rateLimits: {
			...FREEPIK_RATE_LIMITS,
			averagePerSecond: average,
			burstPerSecond: Math.max(burst, average),
		},
	};
}

/**
 * The same fields in the node's webhook() (a resumed execution's callback): without them its
 * look-ups would tighten the host's shared limiter to the defaults and wait by the default Request
 * Timeout. Values the submit accepted are read again; should they fail here, the defaults serve.
 */
export function readCallbackClientSettings(ctx: IWebhookFunctions) {
	const asExecute = ctx as unknown as IExecuteFunctions;
	try {
		return clientSettings(asExecute, (ctx.getNodeParameter('tuning', {}) ?? {}) as IDataObject);
	} catch (error) {
		ctx.logger.warn(
			`Freepik: Tuning unreadable in the callback, defaults used: ${(error as Error).message}`,
		);
		return {};
	}
}

/**
 * What one batch runs with, read once: the first item's Tuning collection (one client and one loop
 * serve the batch) over the settings the node was constructed with (`tuning`, tests' only).
 */
export function readBatchSettings(ctx: IExecuteFunctions, tuning: Tuning = {}): BatchSettings {
	const options = ctx.getNodeParameter('tuning', 0, {}) as IDataObject;
	const signal = ctx.getExecutionCancelSignal?.();
	return {
		client: { ...tuning.client, ...clientSettings(ctx, options), signal },
		engine: {
			...tuning.engine,
			maxInFlight: readNumberOption(ctx, 0, options, 'maxTasksInFlight'),
			downloadConcurrency: DEFAULTS.downloadConcurrency,
			signal,
		},
		download: tuning.download ?? {},
		maxParallelUploads: readNumberOption(ctx, 0, options, 'maxParallelUploads'),
	};
}

/**
 * Isolate and Get: every item becomes a job (all checked before the first request), one engine
 * waits for them all, and the outcomes become output items or the error that stopped the batch.
 */
export async function runTaskOperation(
	ctx: IExecuteFunctions,
	itemCount: number,
	settings: BatchSettings,
	jobOf: (itemIndex: number) => TaskJob<RequestBody> | Promise<TaskJob<RequestBody>>,
): Promise<INodeExecutionData[]> {
	const { done, failed } = await eachItem(ctx, itemCount, jobOf);
	const outcomes = await runJobs(
		ctx,
		settings,
		done.map(({ value }) => value),
	);
	return toOutputItems(ctx, [...failed, ...outcomes], ctx.continueOnFail());
}
