import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { TaskJob } from '../../helpers/jobTypes';
import type { Tuning } from '../../engine/batch';
import { isToolMode, noteTemporaryLinks, withToolVariant } from '../../helpers/toolMode';
import { nameResultsAfterInputs } from '../../helpers/resultNames';
import { maxParallelUploadsField } from '../../helpers/uploadSlots';
import { LIMITS, MAX_DESCRIPTION_LENGTH } from '../../helpers/validation';
import { waitModeField, waitModeNotice } from '../../resume/description';
import { submitForCallbacks, type CallbackJob } from '../../resume/submit';
import type { RequestBody } from '../../transport';
import {
	BOUNDING_BOX,
	planItemChecked,
	requestBody,
	requestHashOf,
	type IsolatePlan,
} from './isolate.plan';
import {
	batchOptionFields,
	optionsCollection,
	readBatchSettings,
	runTaskOperation,
	tuningCollection,
	waitFields,
	waitOptionFields,
} from './shared';
import { FROM_AI_HINTS, fromAi } from './tool';

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
			description:
				'Describe the sound to keep, e.g. "A person speaking" or "The acoustic guitar"; ' +
				`everything else is removed. At most ${MAX_DESCRIPTION_LENGTH} characters.`,
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
				'Public https:// link to the audio (WAV, MP3, FLAC, OGG, M4A) or video (MP4, MOV, ' +
				'WEBM, AVI) file. Freepik downloads it itself, so it must not need a login.',
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
	waitModeNotice,
	optionsCollection([
		...BOUNDING_BOX.map(
			(name): INodeProperties => ({
				displayName: `Bounding Box ${name.toUpperCase()}`,
				name,
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					`Pixel coordinate ${name} of the box around the sound source in the video (set all ` +
					'four: x1 < x2, y1 < y2; all 0 means the full frame)',
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
				numberPrecision: 0,
			},
			default: 2, // DEFAULTS.sampleFps (literal for lint; Freepik.node.test.ts checks)
			description: 'Video frames per second to analyse, a whole number 1–5 (higher: finer, slower)',
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
			default: 1, // DEFAULTS.rerankingCandidates (literal for lint; Freepik.node.test.ts checks)
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
			// Resume on Webhook gives Freepik this execution's own URL instead.
			displayOptions: { hide: { '/waitMode': ['webhook'] } },
		},
		...waitOptionFields.map(whileWaiting),
	]),
	tuningCollection([
		...batchOptionFields,
		{ ...maxParallelUploadsField, displayOptions: { show: { '/inputSource': ['binary'] } } },
	]),
];

/** Wait options show while waiting; Poll Interval only when polling. */
function whileWaiting(field: INodeProperties): INodeProperties {
	const show: Record<string, Array<string | boolean>> = { '/waitForCompletion': [true] };
	if (field.name === 'pollInterval') show['/waitMode'] = ['poll'];
	if (field.name === 'outputBinaryPropertyName') show['/downloadResult'] = [true];
	return { ...field, displayOptions: { show } };
}

export const description = updateDisplayOptions(
	{ show: { resource: ['audioIsolation'], operation: ['isolate'] } },
	properties,
);

function jobOf(ctx: IExecuteFunctions, plan: IsolatePlan): TaskJob<RequestBody> {
	const body = requestBody(ctx, plan);
	const { itemIndex, wait } = plan;
	const requestHash = requestHashOf(plan);
	return wait
		? { kind: 'createAndWait', itemIndex, body, wait, requestHash }
		: { kind: 'createOnly', itemIndex, body, requestHash };
}

/**
 * Resume on Webhook: the task calls this execution back instead of being polled. The Webhook URL
 * option is hidden in this mode; a value left from Poll mode gives way to the execution's URL.
 */
function callbackJobOf(ctx: IExecuteFunctions, plan: IsolatePlan, webhookUrl: string): CallbackJob {
	plan.fields.webhook_url = webhookUrl;
	return {
		job: {
			kind: 'createOnly',
			itemIndex: plan.itemIndex,
			body: requestBody(ctx, plan),
			requestHash: requestHashOf(plan),
		},
		wait: plan.wait!,
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	tuning: Tuning,
): Promise<INodeExecutionData[]> {
	const resumes =
		this.getNodeParameter('waitForCompletion', 0, true) &&
		this.getNodeParameter('waitMode', 0, 'poll') === 'webhook';
	if (resumes)
		return await submitForCallbacks(this, items.length, tuning, readBatchSettings, async (i, url) =>
			callbackJobOf(this, await planItemChecked(this, i), url),
		);
	const output = await runTaskOperation(this, items.length, tuning, async (i) =>
		jobOf(this, await planItemChecked(this, i)),
	);
	return isToolMode(this) ? noteTemporaryLinks(output) : nameResultsAfterInputs(this, output);
}
