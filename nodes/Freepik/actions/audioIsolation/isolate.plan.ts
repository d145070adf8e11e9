import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RequestHash, WaitSettings } from '../../helpers/jobTypes';
import { SUPPORTED_FORMATS, unsupportedFormatReason, type InputType } from '../../helpers/binary';
import { boxLabel, FIELDS } from '../../helpers/fields';
import { sha256 } from '../../helpers/hash';
import { base64Head, checkBinaryHead, mediaMismatchReason } from '../../helpers/mediaSniff';
import { isToolMode } from '../../helpers/toolMode';
import { uploadBody } from '../../helpers/uploadBody';
import { asUpload } from '../../helpers/uploadSlots';
import {
	checkBase64,
	checkDescription,
	checkHttpsUrl,
	checkRange,
	checkWebhookUrl,
	invalid,
} from '../../helpers/validation';
import type { RequestBody } from '../../transport';
import { readOptions, readWaitSettings } from './shared';

export const BOUNDING_BOX = ['x1', 'y1', 'x2', 'y2'] as const;

/** One item of Isolate, checked and turned into the fields Freepik takes (before any request). */
export interface IsolatePlan {
	itemIndex: number;
	inputType: InputType;
	fields: IDataObject;
	/** A URL or base64 text goes into the body as is; a binary file is streamed in as base64. */
	input: { value: string } | { binaryPropertyName: string; binaryData: IBinaryData };
	wait?: WaitSettings;
}

type Box = Record<(typeof BOUNDING_BOX)[number], number>;

/** Reads and checks one item's parameters; throws a field-naming error before anything is sent. */
export function planItem(ctx: IExecuteFunctions, i: number): IsolatePlan {
	const inputType = ctx.getNodeParameter('inputType', i) as InputType;
	if (inputType !== 'audio' && inputType !== 'video')
		invalid(ctx, i, FIELDS.inputType.label, 'must be "audio" or "video"');
	const options = readOptions(ctx, i);
	const fields: IDataObject = {
		[FIELDS.description.api]: checkDescription(ctx, i, ctx.getNodeParameter('description', i)),
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

/** planItem, then a binary file's first bytes checked (empty, or not media of the Input Type). */
export async function planItemChecked(ctx: IExecuteFunctions, i: number): Promise<IsolatePlan> {
	const plan = planItem(ctx, i);
	const { input } = plan;
	if ('binaryData' in input)
		await checkBinaryHead(ctx, i, plan.inputType, input.binaryPropertyName, input.binaryData);
	return plan;
}

function readBoundingBox(
	ctx: IExecuteFunctions,
	i: number,
	inputType: InputType,
	options: IDataObject,
): Partial<Box> {
	const boxSet = BOUNDING_BOX.filter((k) => options[k] !== undefined && options[k] !== '');
	const { label } = FIELDS.boundingBox;
	// Freepik: each coordinate defaults to 0, "set all values to 0 (default) to process the full
	// frame". Zeros are that default, so nothing is sent (whatever the input type).
	if (boxSet.every((k) => Number(options[k]) === FIELDS.boundingBox.default)) return {};
	if (inputType !== 'video')
		invalid(ctx, i, label, 'only applies to video input; remove it or set Input Type to Video');
	if (boxSet.length !== 4) {
		const missing = BOUNDING_BOX.filter((k) => !boxSet.includes(k)).map((k) => k.toUpperCase());
		invalid(ctx, i, label, `set all four of X1, Y1, X2, Y2 (missing ${missing.join(', ')})`);
	}
	const box = Object.fromEntries(
		BOUNDING_BOX.map((k) => [k, checkRange(ctx, i, FIELDS.boundingBox, options[k], boxLabel(k))]),
	) as Box;
	if (box.x2 <= box.x1)
		invalid(ctx, i, boxLabel('x2'), `must be greater than X1 (x1=${box.x1}, x2=${box.x2})`);
	if (box.y2 <= box.y1)
		invalid(ctx, i, boxLabel('y2'), `must be greater than Y1 (y1=${box.y1}, y2=${box.y2})`);
	return box;
}

/** Frame rate, reranking, spans and the webhook: the API's optional fields. */
function readModelOptions(
	ctx: IExecuteFunctions,
	i: number,
	inputType: InputType,
	options: IDataObject,
): IDataObject {
	const { sampleFps, rerankingCandidates, predictSpans, webhookUrl } = FIELDS;
	const fields: IDataObject = {};
	if (options.sampleFps !== undefined) {
		if (inputType !== 'video') invalid(ctx, i, sampleFps.label, 'only applies to video input');
		fields[sampleFps.api] = checkRange(ctx, i, sampleFps, options.sampleFps);
	}
	if (options.rerankingCandidates !== undefined)
		fields[rerankingCandidates.api] = checkRange(
			ctx,
			i,
			rerankingCandidates,
			options.rerankingCandidates,
		);
	if (options.predictSpans !== undefined)
		fields[predictSpans.api] = readPredictSpans(ctx, i, options.predictSpans);
	if (options.webhookUrl !== undefined && options.webhookUrl !== '')
		fields[webhookUrl.api] = checkWebhookUrl(ctx, i, options.webhookUrl);
	return fields;
}

function readPredictSpans(ctx: IExecuteFunctions, i: number, raw: unknown): boolean {
	const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
	if (value !== true && value !== false && value !== 'true' && value !== 'false') {
		invalid(ctx, i, FIELDS.predictSpans.label, `must be true or false, got ${JSON.stringify(raw)}`);
	}
	return value === true || value === 'true';
}

function readInput(ctx: IExecuteFunctions, i: number, inputType: InputType): IsolatePlan['input'] {
	const source = ctx.getNodeParameter('inputSource', i) as string;
	if (source === 'url') {
		const { label } = FIELDS.url;
		const url = checkHttpsUrl(ctx, i, label, ctx.getNodeParameter('url', i));
		const reason = urlContradictsInputType(inputType, url);
		if (reason) invalid(ctx, i, label, reason, 'set Input Type to match the file');
		return { value: url };
	}
	if (source === 'base64') {
		const { base64, mimeType } = checkBase64(ctx, i, ctx.getNodeParameter('base64Data', i));
		const reason = mimeType ? unsupportedFormatReason(inputType, mimeType, undefined) : null;
		if (reason) invalid(ctx, i, FIELDS.base64Data.label, reason);
		const mismatch = mediaMismatchReason(inputType, base64Head(base64));
		if (mismatch) invalid(ctx, i, FIELDS.base64Data.label, mismatch);
		return { value: base64 };
	}
	if (source === 'binary') return readBinaryInput(ctx, i, inputType);
	return invalid(ctx, i, FIELDS.inputSource.label, 'must be Binary File, URL or Base64');
}

/**
 * A link whose file extension belongs to the other input type (`.mp4` with Audio). Links without
 * a known extension pass: many serve files from paths without one.
 */
function urlContradictsInputType(inputType: InputType, url: string): string | null {
	const extension = new URL(url).pathname.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
	const other: InputType = inputType === 'audio' ? 'video' : 'audio';
	if (!extension || !SUPPORTED_FORMATS[other].extensions.includes(extension)) return null;
	const article = other === 'audio' ? 'an' : 'a';
	const label = inputType === 'audio' ? 'Audio' : 'Video';
	return `the link ends in .${extension}, ${article} ${other} format, but Input Type is ${label}`;
}

function readBinaryInput(
	ctx: IExecuteFunctions,
	i: number,
	inputType: InputType,
): IsolatePlan['input'] {
	const { label } = FIELDS.binaryPropertyName;
	const binaryPropertyName = String(ctx.getNodeParameter('binaryPropertyName', i)).trim();
	if (!binaryPropertyName) invalid(ctx, i, label, 'must not be empty');
	const available = Object.keys(ctx.getInputData()[i]?.binary ?? {});
	if (!available.includes(binaryPropertyName)) {
		const has = available.length
			? ` (it has: ${available.join(', ')})`
			: ' (it has no binary data)';
		invalid(ctx, i, label, `the input item has no binary field "${binaryPropertyName}"${has}`);
	}
	const binaryData = ctx.helpers.assertBinaryData(i, binaryPropertyName);
	const reason = unsupportedFormatReason(inputType, binaryData.mimeType, binaryData.fileName);
	if (reason) invalid(ctx, i, label, `"${binaryPropertyName}": ${reason}`);
	return { binaryPropertyName, binaryData };
}

export function requestBody(ctx: IExecuteFunctions, plan: IsolatePlan): RequestBody {
	const { input, fields, inputType } = plan;
	if ('value' in input) return () => ({ ...fields, [inputType]: input.value });
	// Built when the task is submitted (not during validation) so a batch never holds every file at
	// once.
	return asUpload(
		async () =>
			await uploadBody(
				ctx,
				plan.itemIndex,
				input.binaryPropertyName,
				input.binaryData,
				fields,
				inputType,
			),
	);
}

/**
 * What defines the create request, hashed (for Retry On Fail). A file counts by its n8n binary id,
 * or in memory by a hash of its data, never by its content itself.
 */
export function requestHashOf(plan: IsolatePlan): RequestHash {
	return () => {
		const { input, fields, inputType } = plan;
		const source =
			'value' in input
				? { value: sha256(input.value) }
				: {
						field: input.binaryPropertyName,
						file: input.binaryData.id ?? sha256(input.binaryData.data),
						size: input.binaryData.fileSize,
						mimeType: input.binaryData.mimeType,
						fileName: input.binaryData.fileName,
					};
		return sha256(JSON.stringify({ inputType, fields, source }));
	};
}
