/**
 * The pure parts of helpers/binary.ts, on inputs n8n's binary store does not produce on its own
 * (a refreshed task with fewer results). Downloads through n8n-core are covered by the operation
 * suites; the upload body by uploadBody.test.ts.
 */

import {
	downloadGeneratedFiles,
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
