import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { jsonBodyWithBase64File, unsupportedFormatReason, type InputType } from '../../helpers/binary';
import { toOutputItems } from '../../helpers/outputs';
import { runTaskJobs, type JobResult, type TaskJob, type WaitSettings } from '../../helpers/polling';
import {
	checkBase64,
	checkDescription,
	checkHttpsUrl,
	checkRange,
	checkWebhookUrl,
	invalid,
	LIMITS,
	MAX_DESCRIPTION_LENGTH,
} from '../../helpers/validation';
import { isToolMode, noteTemporaryLinks, withToolVariant } from '../../helpers/toolMode';
import { FreepikClient } from '../../transport';
import {
	batchOptionFields,
	readBatchSettings,
	readOptions,
	readWaitSettings,
	waitFields,
	waitOptionFields,
} from './shared';
import { FROM_AI_HINTS, fromAi } from './tool';

const BOUNDING_BOX = ['x1', 'y1', 'x2', 'y2'] as const;

const properties: INodeProperties[] = [
	...withToolVariant(
		{
			displayName: 'Sound to Isolate',
			name: 'description',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			required: true,
			placeholder: 'e.g. A person speaking',
			description: `Describe the sound to keep, e.g. "A person speaking" or "The acoustic guitar"; everything else is removed. At most ${MAX_DESCRIPTION_LENGTH} characters.`,
		},
		{ default: fromAi('Sound_to_Isolate', FROM_AI_HINTS.description) },
	),
	{
		displayName: 'Input Type',
		name: 'inputType',
		type: 'options',
		options: [
			{ name: 'Audio', value: 'audio', description: 'WAV, MP3, FLAC, OGG or M4A' },
			{
				name: 'Video',
				value: 'video',
				description: 'MP4, MOV, WEBM or AVI; allows a bounding box and frame sampling',
			},
		],
		default: 'audio',
	},
	// An AI Agent has no binary files to pass: the tool variant takes a URL by default.
	...withToolVariant(
		{
			displayName: 'Input Source',
			name: 'inputSource',
			type: 'options',
			options: [
				{ name: 'Binary File', value: 'binary', description: 'A file from a previous node' },
				{ name: 'URL', value: 'url', description: 'A public https:// link Freepik downloads' },
				{ name: 'Base64', value: 'base64', description: 'The file as base64 text (or a data: URI)' },
			],
			default: 'binary',
		},
		{ default: 'url' },
	),
	...withToolVariant(
		{
			displayName: 'File URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/interview.mp3',
			description:
				'Public https:// link to the audio (WAV, MP3, FLAC, OGG, M4A) or video (MP4, MOV, WEBM, AVI) file. Freepik downloads it itself, so it must not need a login.',
			displayOptions: { show: { inputSource: ['url'] } },
		},
		{ default: fromAi('File_URL', FROM_AI_HINTS.url) },
	),
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file',
		displayOptions: { show: { inputSource: ['binary'] } },
	},
	{
		displayName: 'Base64 Data',
		name: 'base64Data',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'The file encoded as base64, or a data: URI such as data:audio/wav;base64,…',
		displayOptions: { show: { inputSource: ['base64'] } },
	},
	...waitFields(true),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...BOUNDING_BOX.map(
				(name): INodeProperties => ({
					displayName: `Bounding Box ${name.toUpperCase()}`,
					name,
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 0,
					description: `Pixel coordinate ${name} of the box around the sound source in the video (set all four: x1 < x2, y1 < y2)`,
					displayOptions: { show: { '/inputType': ['video'] } },
				}),
			),
			{
				displayName: 'Frame Sample Rate (FPS)',
				name: 'sampleFps',
				type: 'number',
				typeOptions: { minValue: LIMITS.sampleFps.min, maxValue: LIMITS.sampleFps.max, numberPrecision: 1 },
				default: 2,
				description: 'Video frames per second to analyse (1–5); higher is more precise and slower',
				displayOptions: { show: { '/inputType': ['video'] } },
			},
			{
				displayName: 'Reranking Candidates',
				name: 'rerankingCandidates',
				type: 'number',
				typeOptions: { minValue: LIMITS.rerankingCandidates.min, maxValue: LIMITS.rerankingCandidates.max },
				default: 1,
				description: 'Quality versus speed (1–8): more candidates give a better result and take longer',
			},
			{
				displayName: 'Predict Spans',
				name: 'predictSpans',
				type: 'boolean',
				default: false,
				description: 'Whether to improve isolation of non-ambient sounds such as speech or notes',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…/freepik',
				description:
					'Freepik POSTs every status change here: paste the Production URL of a Freepik Trigger node',
			},
			...waitOptionFields.map((field) => ({
				...field,
				displayOptions: { show: { '/waitForCompletion': [true] } },
			})),
			...batchOptionFields,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['audioIsolation'], operation: ['isolate'] } },
	properties,
);

interface IsolatePlan {
	itemIndex: number;
	inputType: InputType;
	fields: IDataObject;
	/** A URL or base64 text goes into the body as is; a binary file is streamed in as base64. */
	input: { value: string } | { binaryPropertyName: string; binaryData: IBinaryData };
	wait?: WaitSettings;
}

/** Reads and checks one item's parameters; throws a field-naming error before anything is sent. */
function planItem(ctx: IExecuteFunctions, i: number): IsolatePlan {
	const inputType = ctx.getNodeParameter('inputType', i) as InputType;
	if (inputType !== 'audio' && inputType !== 'video') invalid(ctx, i, 'Input Type', 'must be "audio" or "video"');
	const fields: IDataObject = { description: checkDescription(ctx, i, ctx.getNodeParameter('description', i)) };
	const options = readOptions(ctx, i);

	const boxSet = BOUNDING_BOX.filter((k) => options[k] !== undefined && options[k] !== '');
	if (boxSet.length) {
		if (inputType !== 'video') invalid(ctx, i, 'Bounding Box', 'only applies to video input; remove it or set Input Type to Video');
		if (boxSet.length !== 4) invalid(ctx, i, 'Bounding Box', `set all four of X1, Y1, X2, Y2 (missing ${BOUNDING_BOX.filter((k) => !boxSet.includes(k)).map((k) => k.toUpperCase()).join(', ')})`);
		const box = Object.fromEntries(
			BOUNDING_BOX.map((k) => [k, checkRange(ctx, i, `Bounding Box ${k.toUpperCase()}`, options[k], { min: 0, max: 1_000_000 }, true)]),
		) as Record<(typeof BOUNDING_BOX)[number], number>;
		if (box.x2 <= box.x1) invalid(ctx, i, 'Bounding Box X2', `must be greater than X1 (x1=${box.x1}, x2=${box.x2})`);
		if (box.y2 <= box.y1) invalid(ctx, i, 'Bounding Box Y2', `must be greater than Y1 (y1=${box.y1}, y2=${box.y2})`);
		Object.assign(fields, box);
	}
	if (options.sampleFps !== undefined) {
		if (inputType !== 'video') invalid(ctx, i, 'Frame Sample Rate (FPS)', 'only applies to video input');
		fields.sample_fps = checkRange(ctx, i, 'Frame Sample Rate (FPS)', options.sampleFps, LIMITS.sampleFps);
	}
	if (options.rerankingCandidates !== undefined) {
		fields.reranking_candidates = checkRange(ctx, i, 'Reranking Candidates', options.rerankingCandidates, LIMITS.rerankingCandidates, true);
	}
	if (options.predictSpans !== undefined) {
		const value = typeof options.predictSpans === 'string' ? options.predictSpans.trim().toLowerCase() : options.predictSpans;
		if (value !== true && value !== false && value !== 'true' && value !== 'false') {
			invalid(ctx, i, 'Predict Spans', `must be true or false, got ${JSON.stringify(options.predictSpans)}`);
		}
		fields.predict_spans = value === true || value === 'true';
	}
	if (options.webhookUrl !== undefined && options.webhookUrl !== '') {
		fields.webhook_url = checkWebhookUrl(ctx, i, options.webhookUrl);
	}

	const source = ctx.getNodeParameter('inputSource', i) as string;
	let input: IsolatePlan['input'];
	if (source === 'url') {
		input = { value: checkHttpsUrl(ctx, i, 'File URL', ctx.getNodeParameter('url', i)) };
	} else if (source === 'base64') {
		const { base64, mimeType } = checkBase64(ctx, i, ctx.getNodeParameter('base64Data', i));
		const reason = mimeType ? unsupportedFormatReason(inputType, mimeType, undefined) : null;
		if (reason) invalid(ctx, i, 'Base64 Data', reason);
		input = { value: base64 };
	} else if (source === 'binary') {
		const binaryPropertyName = String(ctx.getNodeParameter('binaryPropertyName', i)).trim();
		if (!binaryPropertyName) invalid(ctx, i, 'Input Binary Field', 'must not be empty');
		const available = Object.keys(ctx.getInputData()[i]?.binary ?? {});
		if (!available.includes(binaryPropertyName)) {
			invalid(
				ctx,
				i,
				'Input Binary Field',
				`the input item has no binary field "${binaryPropertyName}"${available.length ? ` (it has: ${available.join(', ')})` : ' (it has no binary data)'}`,
			);
		}
		const binaryData = ctx.helpers.assertBinaryData(i, binaryPropertyName);
		const reason = unsupportedFormatReason(inputType, binaryData.mimeType, binaryData.fileName);
		if (reason) invalid(ctx, i, 'Input Binary Field', `"${binaryPropertyName}": ${reason}`);
		input = { binaryPropertyName, binaryData };
	} else {
		invalid(ctx, i, 'Input Source', 'must be Binary File, URL or Base64');
	}

	const waitForCompletion = ctx.getNodeParameter('waitForCompletion', i, true) as boolean;
	const wait = waitForCompletion
		? readWaitSettings(ctx, i, options, !isToolMode(ctx) && (ctx.getNodeParameter('downloadResult', i, true) as boolean))
		: undefined;
	return { itemIndex: i, inputType, fields, input, wait };
}

function requestBody(ctx: IExecuteFunctions, plan: IsolatePlan) {
	const { input, fields, inputType } = plan;
	if ('value' in input) return () => ({ ...fields, [inputType]: input.value });
	// Built when the task is submitted (not during validation) so a batch never holds every file at once.
	return async () =>
		await jsonBodyWithBase64File(ctx, plan.itemIndex, input.binaryPropertyName, input.binaryData, fields, inputType);
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const settings = readBatchSettings(this);
	const results: JobResult[] = [];
	const plans: IsolatePlan[] = [];
	// The whole batch is validated before the first request.
	for (let i = 0; i < items.length; i++) {
		try {
			plans.push(planItem(this, i));
		} catch (error) {
			if (!continueOnFail) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			results.push({ itemIndex: i, error: error as Error });
		}
	}
	if (plans.length) {
		const client = await FreepikClient.create(this, settings.client);
		const jobs: TaskJob[] = plans.map((plan) => {
			const body = requestBody(this, plan);
			return {
				itemIndex: plan.itemIndex,
				wait: plan.wait,
				submit: async () => await client.createTask(body, plan.itemIndex),
			};
		});
		results.push(...(await runTaskJobs(this, client, jobs, { ...settings.engine, stopOnFirstError: !continueOnFail })));
	}
	const output = toOutputItems(this, results, continueOnFail);
	return isToolMode(this) ? noteTemporaryLinks(output) : output;
}
