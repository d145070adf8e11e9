import type { IBinaryData, IBinaryKeyData, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { sleepUnlessAborted } from './clock';
import { DEFAULTS } from './limits';
import { namesTask } from './outputs';

import type { FreepikTask } from './types';

export type InputType = 'audio' | 'video';

/**
 * Formats Freepik accepts, by input type
 * (API reference: audio WAV/MP3/FLAC/OGG/M4A, video MP4/MOV/WEBM/AVI).
 */
export const SUPPORTED_FORMATS: Record<InputType, { extensions: string[]; mimeTypes: string[] }> = {
	audio: {
		extensions: ['wav', 'mp3', 'flac', 'ogg', 'oga', 'm4a'],
		mimeTypes: [
			'audio/wav',
			'audio/x-wav',
			'audio/wave',
			'audio/vnd.wave',
			'audio/mpeg',
			'audio/mp3',
			'audio/flac',
			'audio/x-flac',
			'audio/ogg',
			'application/ogg',
			'audio/mp4',
			'audio/m4a',
			'audio/x-m4a',
		],
	},
	video: {
		extensions: ['mp4', 'mov', 'webm', 'avi'],
		mimeTypes: [
			'video/mp4',
			'video/quicktime',
			'video/webm',
			'video/x-msvideo',
			'video/avi',
			'video/msvideo',
		],
	},
};

const GENERIC_MIME_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** Null when the file looks like a supported format for `inputType`, otherwise why not. */
export function unsupportedFormatReason(
	inputType: InputType,
	mimeType: string | undefined,
	fileName: string | undefined,
): string | null {
	const formats = SUPPORTED_FORMATS[inputType];
	const mime = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	const extension = (fileName ?? '').toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
	if (formats.mimeTypes.includes(mime)) return null;
	if (
		extension &&
		formats.extensions.includes(extension) &&
		(GENERIC_MIME_TYPES.has(mime) || mime.startsWith(`${inputType}/`))
	)
		return null;
	const what = [mime || undefined, fileName].filter(Boolean).join(', ') || 'unknown type';
	return (
		`the file (${what}) is not a supported ${inputType} format: use ` +
		`${formats.extensions.map((e) => e.toUpperCase()).join(', ')}`
	);
}

export interface BinaryContext {
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequest' | 'prepareBinaryData'>;
	getNode(): INode;
}

export interface DownloadOptions {
	timeoutMs: number;
	/** Fetches the task again for fresh signed URLs when a download answers 403/404 (expired). */
	refreshTask?: () => Promise<FreepikTask>;
	attempts?: number;
	/** Wait before download retry n is n times this. */
	retryDelayMs?: number;
	/** Cancels a download on the wire and any wait between attempts. */
	signal?: AbortSignal;
}

/** Binary property names for the results: `data`, `data_1`, `data_2`, … */
export function resultPropertyName(base: string, index: number): string {
	return index === 0 ? base : `${base}_${index}`;
}

const DOWNLOAD_RETRIES = {
	attempts: DEFAULTS.downloadAttempts,
	retryDelayMs: DEFAULTS.downloadRetryDelayMs,
};

type Attempt = { data: IBinaryData } | { failure: string; expired?: boolean };

/**
 * Streams every generated WAV into n8n's binary store. Plain httpRequest: the files live on another
 * host and must never receive the API key.
 */
export async function downloadGeneratedFiles(
	ctx: BinaryContext,
	task: FreepikTask,
	propertyName: string,
	options: DownloadOptions,
): Promise<IBinaryKeyData> {
	const { attempts, retryDelayMs, signal } = { ...DOWNLOAD_RETRIES, ...options };
	const binary: IBinaryKeyData = {};
	let urls = task.generated;
	let refreshed = false;
	for (let index = 0; index < urls.length; index++) {
		const fileName = index === 0 ? `${task.task_id}.wav` : `${task.task_id}_${index}.wav`;
		for (let attempt = 1; ; attempt++) {
			const result = await downloadOne(ctx, urls[index], fileName, options);
			if ('data' in result) {
				binary[resultPropertyName(propertyName, index)] = result.data;
				break;
			}
			if (result.expired && options.refreshTask && !refreshed) {
				refreshed = true;
				urls = (await options.refreshTask()).generated;
				if (!urls[index])
					throw downloadError(ctx, task, index, 'the refreshed task has no such result');
				continue;
			}
			if (result.expired || attempt >= attempts || signal?.aborted) {
				throw downloadError(ctx, task, index, result.failure);
			}
			await sleepUnlessAborted(retryDelayMs * attempt, signal);
		}
	}
	return binary;
}

function downloadError(ctx: BinaryContext, task: FreepikTask, index: number, reason: string) {
	const error = new NodeOperationError(
		ctx.getNode(),
		`Could not download result ${index + 1} of Freepik task ${task.task_id}: ${reason}`,
		{
			description:
				`The task COMPLETED on Freepik; only the download failed. Task ID: ${task.task_id}. ` +
				'Run the Get operation with this task ID to download it again while its links are ' +
				'valid.',
		},
	);
	return namesTask(error, task.task_id);
}

interface StreamResponse {
	statusCode: number;
	body: { destroy?: () => void };
}

/** One download, streamed into n8n's binary store (to disk in filesystem mode, never in memory). */
async function downloadOne(
	ctx: BinaryContext,
	url: string,
	fileName: string,
	options: DownloadOptions,
): Promise<Attempt> {
	let response: StreamResponse;
	try {
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: options.timeoutMs,
			abortSignal: options.signal,
		})) as StreamResponse;
	} catch (error) {
		return { failure: `network error (${String((error as Error).message).slice(0, 120)})` };
	}
	if (response.statusCode !== 200) {
		response.body?.destroy?.();
		return {
			failure: `the file host answered HTTP ${response.statusCode}`,
			expired: response.statusCode === 403 || response.statusCode === 404,
		};
	}
	// A body shorter than its Content-Length fails inside Node's HTTP client, so it ends up here.
	try {
		return {
			data: await ctx.helpers.prepareBinaryData(response.body as Buffer, fileName, 'audio/wav'),
		};
	} catch (error) {
		return {
			failure: `the download broke off (${String((error as Error).message).slice(0, 120)})`,
		};
	}
}
