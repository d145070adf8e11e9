import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ClientOptions } from '../../transport';
import { FREEPIK_RATE_LIMITS } from '../../transport/rateLimiter';
import type { EngineOptions, WaitSettings } from '../../helpers/polling';
import { checkRange, invalid, LIMITS } from '../../helpers/validation';

/** Fields shared by Isolate and Get: whether to wait, whether to download, and how. */
export function waitFields(waitDefault: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: waitDefault,
			description:
				'Whether to wait until Freepik finishes the task. Off: the node returns at once (use a Freepik Trigger or Get later). A batch of items is waited for all at once.',
		},
		{
			displayName: 'Download Result',
			name: 'downloadResult',
			type: 'boolean',
			default: true,
			// An AI Agent passes only JSON to the model: the tool variant never downloads.
			displayOptions: { show: { waitForCompletion: [true], '@tool': [false] } },
			description:
				'Whether to download the isolated WAV into the output binary field when the task completes (the links Freepik returns expire)',
		},
	];
}

export const waitOptionFields: INodeProperties[] = [
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: LIMITS.pollInterval.min, maxValue: LIMITS.pollInterval.max },
		default: 5,
		description: 'How often to ask Freepik whether each task is done, while waiting',
	},
	{
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitTime',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxWaitTime.min, maxValue: LIMITS.maxWaitTime.max },
		default: 600,
		description:
			'Give up waiting after this long; the error names the task ID so it can be picked up later with Get',
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data',
		description:
			'Binary field that receives the isolated WAV; further results go to <name>_1, <name>_2, …',
	},
];

export const batchOptionFields: INodeProperties[] = [
	{
		displayName: 'Max Tasks in Flight',
		name: 'maxTasksInFlight',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxTasksInFlight.min, maxValue: LIMITS.maxTasksInFlight.max },
		default: 25,
		description:
			'For batches: how many tasks may be submitted and not yet finished at once. Read from the first item.',
	},
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: LIMITS.requestTimeout.min, maxValue: LIMITS.requestTimeout.max },
		default: 120,
		description: 'How long one HTTP request to Freepik may take before it is abandoned',
	},
	{
		displayName: 'Average Requests per Second',
		name: 'averageRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: LIMITS.averageRequestsPerSecond.min, numberPrecision: 1 },
		default: FREEPIK_RATE_LIMITS.averagePerSecond,
		description:
			"Your account's average rate limit (Freepik's default: 10/s over 2 minutes). The node stays under it by itself.",
	},
	{
		displayName: 'Burst Requests per Second',
		name: 'burstRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: LIMITS.burstRequestsPerSecond.min, numberPrecision: 1 },
		default: FREEPIK_RATE_LIMITS.burstPerSecond,
		description: "Your account's burst limit (Freepik's default: 50/s for at most 5 s)",
	},
];

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

export function readWaitSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	download: boolean,
): WaitSettings {
	const pollInterval = checkRange(ctx, itemIndex, 'Poll Interval (Seconds)', options.pollInterval ?? 5, LIMITS.pollInterval);
	const maxWaitTime = checkRange(ctx, itemIndex, 'Max Wait Time (Seconds)', options.maxWaitTime ?? 600, LIMITS.maxWaitTime);
	const outputBinaryPropertyName = String(options.outputBinaryPropertyName ?? 'data').trim();
	if (download && !outputBinaryPropertyName) invalid(ctx, itemIndex, 'Output Binary Field', 'must not be empty');
	return {
		pollIntervalMs: pollInterval * 1000,
		maxWaitMs: maxWaitTime * 1000,
		download,
		outputBinaryPropertyName,
	};
}

/** Batch-wide settings come from the first item's options (one client and one loop serve the batch). */
export function readBatchSettings(ctx: IExecuteFunctions): {
	client: Partial<ClientOptions>;
	engine: Omit<EngineOptions, 'stopOnFirstError'>;
} {
	const options = readOptions(ctx, 0);
	const average = checkRange(
		ctx,
		0,
		'Average Requests per Second',
		options.averageRequestsPerSecond ?? FREEPIK_RATE_LIMITS.averagePerSecond,
		LIMITS.averageRequestsPerSecond,
	);
	const burst = checkRange(
		ctx,
		0,
		'Burst Requests per Second',
		options.burstRequestsPerSecond ?? FREEPIK_RATE_LIMITS.burstPerSecond,
		LIMITS.burstRequestsPerSecond,
	);
	const signal = ctx.getExecutionCancelSignal?.();
	return {
		client: {
			timeoutMs: checkRange(ctx, 0, 'Request Timeout (Seconds)', options.requestTimeout ?? 120, LIMITS.requestTimeout) * 1000,
			rateLimits: { ...FREEPIK_RATE_LIMITS, averagePerSecond: average, burstPerSecond: Math.max(burst, average) },
			signal,
		},
		engine: {
			maxInFlight: checkRange(ctx, 0, 'Max Tasks in Flight', options.maxTasksInFlight ?? 25, LIMITS.maxTasksInFlight, true),
			downloadConcurrency: 4,
			signal,
		},
	};
}
