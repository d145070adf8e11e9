import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { TaskJob } from '../../helpers/jobTypes';
import type { BatchSettings } from '../../engine/batch';
import { bounds, boxLabel, FIELDS } from '../../helpers/fields';
import { isToolMode, noteTemporaryLinks, withToolVariant } from '../../helpers/toolMode';
import { nameResultsAfterInputs } from '../../helpers/resultNames';
import { maxParallelUploadsField } from '../../helpers/uploadSlots';
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
	runTaskOperation,
	tuningCollection,
	waitFields,
	waitOptionFields,
} from './shared';
import { FROM_AI_HINTS, fromAi } from './tool';

const properties: INodeProperties[] = [
	...withToolVariant(
		{
			displayName: FIELDS.description.label,
			name: 'description',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			required: true,
			placeholder: 'e.g. A person speaking',
			description:
				'Describe the sound to keep, e.g. "A person speaking" or "The acoustic guitar"; ' +
				`everything else is removed. At most ${FIELDS.description.maxLength} characters.`,
		},
		{ default: fromAi('Sound_to_Isolate', FROM_AI_HINTS.description) },
	),
	{
		displayName: FIELDS.inputType.label,
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
			displayName: FIELDS.inputSource.label,
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
			displayName: FIELDS.url.label,
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
		displayName: FIELDS.binaryPropertyName.label,
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file',
		displayOptions: { show: { inputSource: ['binary'] } },
	},
	{
		displayName: FIELDS.base64Data.label,
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
				displayName: boxLabel(name),
				name,
				type: 'number',
				typeOptions: { minValue: FIELDS.boundingBox.min },
				default: 0,
				description:
					`Pixel coordinate ${name} of the box around the sound source in the video (set all ` +
					'four: x1 < x2, y1 < y2; all 0 means the full frame)',
				displayOptions: { show: { '/inputType': ['video'] } },
			}),
		),
		{
			displayName: FIELDS.sampleFps.label,
			name: 'sampleFps',
			type: 'number',
			typeOptions: { ...bounds(FIELDS.sampleFps), numberPrecision: 0 },
			default: 2,
			description: 'Video frames per second to analyse, a whole number 1–5 (higher: finer, slower)',
			displayOptions: { show: { '/inputType': ['video'] } },
		},
		{
			displayName: FIELDS.rerankingCandidates.label,
			name: 'rerankingCandidates',
			type: 'number',
			typeOptions: bounds(FIELDS.rerankingCandidates),
			default: 1,
			description:
				'Quality versus speed (1–8): more candidates give a better result and take longer',
		},
		{
			displayName: FIELDS.predictSpans.label,
			name: 'predictSpans',
			type: 'boolean',
			default: false,
			description: 'Whether to improve isolation of non-ambient sounds such as speech or notes',
		},
		{
			displayName: FIELDS.webhookUrl.label,
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
	plan.fields[FIELDS.webhookUrl.api] = webhookUrl;
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
	settings: BatchSettings,
): Promise<INodeExecutionData[]> {
	const resumes =
		this.getNodeParameter('waitForCompletion', 0, true) &&
		this.getNodeParameter('waitMode', 0, 'poll') === 'webhook';
	if (resumes)
		return await submitForCallbacks(this, items.length, settings, async (i, url) =>
			callbackJobOf(this, await planItemChecked(this, i), url),
		);
	const output = await runTaskOperation(this, items.length, settings, async (i) =>
		jobOf(this, await planItemChecked(this, i)),
	);
	return isToolMode(this) ? noteTemporaryLinks(output) : nameResultsAfterInputs(this, output);
}
