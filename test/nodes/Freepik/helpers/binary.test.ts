/**
 * The pure parts of helpers/binary.ts, on inputs n8n's binary store does not produce on its own
 * (stream chunks of any size, a file that grows while it is read, a refreshed task with fewer
 * results). Downloads and uploads through n8n-core are covered by the operation suites.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import {
	downloadGeneratedFiles,
	jsonBodyWithBase64File,
	unsupportedFormatReason,
	type BinaryContext,
} from '../../../../nodes/Freepik/helpers/binary';

describe('supported input formats', () => {
	const AUDIO = 'use WAV, MP3, FLAC, OGG, OGA, M4A';
	const VIDEO = 'use MP4, MOV, WEBM, AVI';
	it.each<['audio' | 'video', string | undefined, string | undefined, string | null]>([
		['audio', 'audio/mpeg', 'x.bin', null],
		['audio', undefined, 'voice.MP3', null],
		['audio', 'application/octet-stream', 'a.flac', null],
		['audio', 'audio/x-foo', 'a.ogg', null],
		['video', 'video/x-foo', 'clip.webm', null],
		[
			'audio',
			'video/mp4',
			'a.mp3',
			`the file (video/mp4, a.mp3) is not a supported audio format: ${AUDIO}`,
		],
		[
			'video',
			undefined,
			undefined,
			`the file (unknown type) is not a supported video format: ${VIDEO}`,
		],
		[
			'video',
			'text/plain; charset=utf-8',
			undefined,
			`the file (text/plain) is not a supported video format: ${VIDEO}`,
		],
		[
			'video',
			undefined,
			'clip.mkv',
			`the file (clip.mkv) is not a supported video format: ${VIDEO}`,
		],
	])('%s, type %s, name %s: %s', (inputType, mimeType, fileName, expected) => {
		expect(unsupportedFormatReason(inputType, mimeType, fileName)).toBe(expected);
	});
});

describe('the create body with the file inlined as base64', () => {
	const stored: IBinaryData = { id: 'filesystem-v2:file', data: '', mimeType: 'audio/wav' };
	/** A context whose binary store streams the file in the given chunks and reports `fileSize`. */
	const storeStreaming = (chunks: Buffer[], fileSize: number) =>
		({
			helpers: {
				getBinaryMetadata: async () => ({ fileSize }),
				getBinaryStream: async () =>
					(async function* () {
						yield* chunks;
					})(),
			},
		}) as unknown as IExecuteFunctions;
	const body = async (chunks: Buffer[], fileSize: number, fields: Record<string, unknown>) =>
		await jsonBodyWithBase64File(
			storeStreaming(chunks, fileSize),
			0,
			'data',
			stored,
			fields,
			'audio',
		);

	it('encodes a file streamed in chunks of any size exactly like the whole file', async () => {
		const file = Buffer.from(Array.from({ length: 101 }, (_, i) => (i * 37) % 256));
		const chunks = [
			file.subarray(0, 1),
			file.subarray(1, 3),
			file.subarray(3, 50),
			file.subarray(50),
		];
		const json = JSON.parse((await body(chunks, file.length, { description: 'voice' })).toString());
		expect(json).toEqual({ description: 'voice', audio: file.toString('base64') });
	});

	it('is valid JSON when the file is the only field', async () => {
		const file = Buffer.from('abcd');
		expect(JSON.parse((await body([file], 4, {})).toString())).toEqual({ audio: 'YWJjZA==' });
	});

	it('fails clearly when the file grows while it is read', async () => {
		const grown = Buffer.alloc(300);
		await expect(body([grown], 30, { description: 'voice' })).rejects.toThrow(
			'the input file changed size while it was being read',
		);
	});
});

describe('downloading the results', () => {
	it('stops with a clear error when a task refreshed after expired links has no such result', async () => {
		const refreshTask = jest.fn(async () => ({
			task_id: 't1',
			status: 'COMPLETED',
			generated: [],
		}));
		const ctx: BinaryContext = {
			helpers: {
				httpRequest: async () => ({ statusCode: 403, body: {} }),
				prepareBinaryData: async () => {
					throw new Error('nothing to store');
				},
			} as unknown as BinaryContext['helpers'],
			getNode: () => ({ name: 'Freepik' }) as ReturnType<BinaryContext['getNode']>,
		};
		const task = { task_id: 't1', status: 'COMPLETED', generated: ['https://files.example/1.wav'] };
		await expect(
			downloadGeneratedFiles(ctx, task, 'data', { timeoutMs: 1000, refreshTask }),
		).rejects.toThrow(
			'Could not download result 1 of Freepik task t1: the refreshed task has no such result',
		);
		expect(refreshTask).toHaveBeenCalledTimes(1);
	});
});
