import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	jsonBodyWithBase64File,
	unsupportedFormatReason,
	type InputType,
} from '../../helpers/binary';
import type { TaskJob, WaitSettings } from '../../engine/types';
import type { Tuning } from '../../helpers/batch';
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
import { asUpload, maxParallelUploadsField } from '../../helpers/uploadSlots';
import type { RequestBody } from '../../transport';
import { isToolMode, noteTemporaryLinks, withToolVariant } from '../../helpers/toolMode';
import { waitModeField } from '../../resume/description';
import { submitForCallbacks, type CallbackJob } from '../../resume/submit';
import {
	batchOptionFields,
	readOptions,
	readWaitSettings,
	runTaskOperation,
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
				{
					name: 'Base64',
					value: 'base64',
					description: 'The file as base64 text (or a data: URI)',
				},
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
	waitModeField,
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
				typeOptions: {
					minValue: LIMITS.sampleFps.min,
					maxValue: LIMITS.sampleFps.max,
					numberPrecision: 1,
				},
				default: 2, // DEFAULTS.sampleFps (lint wants a literal; test/nodes/Freepik/Freepik.node.test.ts checks they agree)
				description: 'Video frames per second to analyse (1–5); higher is more precise and slower',
				displayOptions: { show: { '/inputType': ['video'] } },
			},
			{
				displayName: 'Reranking Candidates',
				name: 'rerankingCandidates',
				type: 'number',
				typeOptions: {
					minValue: LIMITS.rerankingCandidates.min,
					maxValue: LIMITS.rerankingCandidates.max,
				},
				default: 1, // DEFAULTS.rerankingCandidates (lint wants a literal; test/nodes/Freepik/Freepik.node.test.ts checks they agree)
				description:
					'Quality versus speed (1–8): more candidates give a better result and take longer',
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
			{ ...maxParallelUploadsField, displayOptions: { show: { '/inputSource': ['binary'] } } },
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

type Box = Record<(typeof BOUNDING_BOX)[number], number>;

/** Reads and checks one item's parameters; throws a field-naming error before anything is sent. */
function planItem(ctx: IExecuteFunctions, i: number): IsolatePlan {
	const inputType = ctx.getNodeParameter('inputType', i) as InputType;
	if (inputType !== 'audio' && inputType !== 'video')
		invalid(ctx, i, 'Input Type', 'must be "audio" or "video"');
	const options = readOptions(ctx, i);
	const fields: IDataObject = {
		description: checkDescription(ctx, i, ctx.getNodeParameter('description', i)),
		...readBoundingBox(ctx, i, inputType, options),
		...readModelOptions(ctx, i, inputType, options),
	};
	const input = readInput(ctx, i, inputType);
	const waitForCompletion = ctx.getNodeParameter('waitForCompletion', i, true) as boolean;
	const wait = waitForCompletion
		? readWaitSettings(
				ctx,
				i,
				options,
				!isToolMode(ctx) && (ctx.getNodeParameter('downloadResult', i, true) as boolean),
			)
		: undefined;
	return { itemIndex: i, inputType, fields, input, wait };
}

function readBoundingBox(
	ctx: IExecuteFunctions,
	i: number,
	inputType: InputType,
	options: IDataObject,
): Partial<Box> {
	const boxSet = BOUNDING_BOX.filter((k) => options[k] !== undefined && options[k] !== '');
	if (!boxSet.length) return {};
	if (inputType !== 'video')
		invalid(
			ctx,
			i,
			'Bounding Box',
			'only applies to video input; remove it or set Input Type to Video',
		);
	if (boxSet.length !== 4) {
		const missing = BOUNDING_BOX.filter((k) => !boxSet.includes(k)).map((k) => k.toUpperCase());
		invalid(
			ctx,
			i,
			'Bounding Box',
			`set all four of X1, Y1, X2, Y2 (missing ${missing.join(', ')})`,
		);
	}
	const box = Object.fromEntries(
		BOUNDING_BOX.map((k) => [
			k,
			checkRange(
				ctx,
				i,
				`Bounding Box ${k.toUpperCase()}`,
				options[k],
				{ min: 0, max: 1_000_000 },
				true,
			),
		]),
	) as Box;
	if (box.x2 <= box.x1)
		invalid(ctx, i, 'Bounding Box X2', `must be greater than X1 (x1=${box.x1}, x2=${box.x2})`);
	if (box.y2 <= box.y1)
		invalid(ctx, i, 'Bounding Box Y2', `must be greater than Y1 (y1=${box.y1}, y2=${box.y2})`);
	return box;
}

/** Frame rate, reranking, spans and the webhook: the API's optional fields. */
function readModelOptions(
	ctx: IExecuteFunctions,
	i: number,
	inputType: InputType,
	options: IDataObject,
): IDataObject {
	const fields: IDataObject = {};
	if (options.sampleFps !== undefined) {
		if (inputType !== 'video')
			invalid(ctx, i, 'Frame Sample Rate (FPS)', 'only applies to video input');
		fields.sample_fps = checkRange(
			ctx,
			i,
			'Frame Sample Rate (FPS)',
			options.sampleFps,
			LIMITS.sampleFps,
		);
	}
	if (options.rerankingCandidates !== undefined) {
		fields.reranking_candidates = checkRange(
			ctx,
			i,
			'Reranking Candidates',
			options.rerankingCandidates,
			LIMITS.rerankingCandidates,
			true,
		);
	}
	if (options.predictSpans !== undefined)
		fields.predict_spans = readPredictSpans(ctx, i, options.predictSpans);
	if (options.webhookUrl !== undefined && options.webhookUrl !== '') {
		fields.webhook_url = checkWebhookUrl(ctx, i, options.webhookUrl);
	}
	return fields;
}

function readPredictSpans(ctx: IExecuteFunctions, i: number, raw: unknown): boolean {
	const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
	if (value !== true && value !== false && value !== 'true' && value !== 'false') {
		invalid(ctx, i, 'Predict Spans', `must be true or false, got ${JSON.stringify(raw)}`);
	}
	return value === true || value === 'true';
}

function readInput(ctx: IExecuteFunctions, i: number, inputType: InputType): IsolatePlan['input'] {
	const source = ctx.getNodeParameter('inputSource', i) as string;
	if (source === 'url')
		return { value: checkHttpsUrl(ctx, i, 'File URL', ctx.getNodeParameter('url', i)) };
	if (source === 'base64') {
		const { base64, mimeType } = checkBase64(ctx, i, ctx.getNodeParameter('base64Data', i));
		const reason = mimeType ? unsupportedFormatReason(inputType, mimeType, undefined) : null;
		if (reason) invalid(ctx, i, 'Base64 Data', reason);
		return { value: base64 };
	}
	if (source === 'binary') return readBinaryInput(ctx, i, inputType);
	return invalid(ctx, i, 'Input Source', 'must be Binary File, URL or Base64');
}

function readBinaryInput(
	ctx: IExecuteFunctions,
	i: number,
	inputType: InputType,
): IsolatePlan['input'] {
	const binaryPropertyName = String(ctx.getNodeParameter('binaryPropertyName', i)).trim();
	if (!binaryPropertyName) invalid(ctx, i, 'Input Binary Field', 'must not be empty');
	const available = Object.keys(ctx.getInputData()[i]?.binary ?? {});
	if (!available.includes(binaryPropertyName)) {
		const has = available.length
			? ` (it has: ${available.join(', ')})`
			: ' (it has no binary data)';
		invalid(
			ctx,
			i,
			'Input Binary Field',
			`the input item has no binary field "${binaryPropertyName}"${has}`,
		);
	}
	const binaryData = ctx.helpers.assertBinaryData(i, binaryPropertyName);
	const reason = unsupportedFormatReason(inputType, binaryData.mimeType, binaryData.fileName);
	if (reason) invalid(ctx, i, 'Input Binary Field', `"${binaryPropertyName}": ${reason}`);
	return { binaryPropertyName, binaryData };
}

function requestBody(ctx: IExecuteFunctions, plan: IsolatePlan): RequestBody {
	const { input, fields, inputType } = plan;
	if ('value' in input) return () => ({ ...fields, [inputType]: input.value });
	// Built when the task is submitted (not during validation) so a batch never holds every file at once.
	return asUpload(
		async () =>
			await jsonBodyWithBase64File(
				ctx,
				plan.itemIndex,
				input.binaryPropertyName,
				input.binaryData,
				fields,
				inputType,
			),
	);
}

function jobOf(ctx: IExecuteFunctions, plan: IsolatePlan): TaskJob<RequestBody> {
	const body = requestBody(ctx, plan);
	const { itemIndex, wait } = plan;
	return wait
		? { kind: 'createAndWait', itemIndex, body, wait }
		: { kind: 'createOnly', itemIndex, body };
}

/** Resume on Webhook: the task calls this execution back instead of being polled. */
function callbackJobOf(ctx: IExecuteFunctions, plan: IsolatePlan, webhookUrl: string): CallbackJob {
	if (plan.fields.webhook_url !== undefined) {
		invalid(
			ctx,
			plan.itemIndex,
			'Webhook URL',
			'must be empty with Wait Mode "Resume on Webhook": Freepik calls this execution back instead',
		);
	}
	plan.fields.webhook_url = webhookUrl;
	return {
		job: { kind: 'createOnly', itemIndex: plan.itemIndex, body: requestBody(ctx, plan) },
		wait: plan.wait!,
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	tuning: Tuning = {},
): Promise<INodeExecutionData[]> {
	const resumes =
		this.getNodeParameter('waitForCompletion', 0, true) &&
		this.getNodeParameter('waitMode', 0, 'poll') === 'webhook';
	if (resumes)
		return await submitForCallbacks(this, items.length, tuning, (i, url) =>
			callbackJobOf(this, planItem(this, i), url),
		);
	const output = await runTaskOperation(this, items.length, tuning, (i) =>
		jobOf(this, planItem(this, i)),
	);
	return isToolMode(this) ? noteTemporaryLinks(output) : output;
}
