/**
 * Files whose first bytes clearly are not media of the declared Input Type, and empty files, are
 * refused before any request (the simulator sees none); real media and anything unrecognised go
 * through as before.
 */
import type { Simulator } from '../../../../simulator';
import { mediaMismatchReason, sniff } from '../../../../nodes/Freepik/helpers/mediaSniff';
import { isolateFromUrl, runFreepik, startSimulator } from '../../../helpers/freepik';
import { errorOf, sampleFile, sha256 } from '../utils';

const bytes = (...parts: Array<string | number[]>) =>
	Buffer.concat(
		parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
	);
const pad = (head: Buffer) => Buffer.concat([head, Buffer.alloc(64 - head.length, 0x00)]);
const size = [0x24, 0x08, 0x00, 0x00];

const AUDIO = {
	wav: pad(bytes('RIFF', size, 'WAVEfmt ')),
	mp3Id3: pad(bytes('ID3', [0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])),
	flac: pad(bytes('fLaC', [0x00, 0x00, 0x00, 0x22])),
	m4a: pad(bytes([0x00, 0x00, 0x00, 0x20], 'ftypM4A ', [0x00, 0x00, 0x00, 0x00])),
};
const VIDEO = {
	avi: pad(bytes('RIFF', size, 'AVI LIST')),
	mov: pad(bytes([0x00, 0x00, 0x00, 0x14], 'ftypqt  ', [0x00, 0x00, 0x00, 0x00])),
	webm: pad(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81])),
};
/** Either audio or video, or too weak a sign to refuse anything on. */
const EITHER = {
	mp4: pad(bytes([0x00, 0x00, 0x00, 0x18], 'ftypisom', [0x00, 0x00, 0x02, 0x00])),
	ogg: pad(bytes('OggS', [0x00, 0x02, 0x00, 0x00])),
	mpegFrame: pad(bytes([0xff, 0xfb, 0x90, 0x64])),
};
const NOT_MEDIA: Record<string, [Buffer, RegExp]> = {
	png: [pad(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a], 'IHDR')), /a PNG image/],
	jpeg: [pad(bytes([0xff, 0xd8, 0xff, 0xe0])), /a JPEG image/],
	gif: [pad(bytes('GIF89a')), /a GIF image/],
	webp: [pad(bytes('RIFF', size, 'WEBPVP8 ')), /a WEBP image/],
	pdf: [pad(bytes('%PDF-1.7\n')), /a PDF document/],
	zip: [pad(bytes('PK', [0x03, 0x04])), /a ZIP archive/],
	gzip: [pad(bytes([0x1f, 0x8b, 0x08, 0x00])), /a gzip archive/],
	html: [bytes('<!DOCTYPE html><html><body>Not found</body></html>'), /text/],
	json: [bytes('{"message": "Access denied", "code": 403}'), /text/],
};

describe('media sniffing (first bytes against the declared Input Type)', () => {
	it.each(Object.entries(AUDIO))('%s is audio', (_name, head) => {
		expect(sniff(head)?.media).toBe('audio');
		expect(mediaMismatchReason('audio', head)).toBeNull();
		expect(mediaMismatchReason('video', head)).toMatch(/but Input Type is Video: set .* Audio/);
	});

	it.each(Object.entries(VIDEO))('%s is video', (_name, head) => {
		expect(sniff(head)?.media).toBe('video');
		expect(mediaMismatchReason('video', head)).toBeNull();
		expect(mediaMismatchReason('audio', head)).toMatch(/but Input Type is Audio: set .* Video/);
	});

	it.each(Object.entries(EITHER))('%s is never refused for either Input Type', (_name, head) => {
		expect(mediaMismatchReason('audio', head)).toBeNull();
		expect(mediaMismatchReason('video', head)).toBeNull();
	});

	it.each(Object.entries(NOT_MEDIA))('%s is refused for both', (_name, [head, what]) => {
		for (const type of ['audio', 'video'] as const) {
			const reason = mediaMismatchReason(type, head);
			expect(reason).toMatch(what);
			expect(reason).toMatch(new RegExp(`not ${type} \\(checked from its first bytes\\)`));
		}
	});

	it('anything unrecognised goes through (random bytes, a short head)', () => {
		let refused = 0;
		for (let n = 0; n < 2000; n++) {
			const head = sampleFile(64);
			if (mediaMismatchReason('audio', head) || mediaMismatchReason('video', head)) refused++;
		}
		expect(refused).toBe(0);
		expect(mediaMismatchReason('audio', bytes('hello'))).toBeNull();
	});
});

describe('through n8n: refused before any request', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	const binaryInput = (data: Buffer, fileName: string, mimeType: string) => ({
		items: [{ json: {}, binary: { data: { data, fileName, mimeType } } }],
	});
	const fromBinary = (extra: Record<string, unknown> = {}) =>
		isolateFromUrl({ inputSource: 'binary', binaryPropertyName: 'data', ...extra });

	describe.each(['default', 'filesystem'] as const)('binary mode %s', (binaryMode) => {
		it('a 0-byte binary file: the error names the field, nothing is sent', async () => {
			const result = await runFreepik(sim, fromBinary(), {
				...binaryInput(Buffer.alloc(0), 'empty.mp3', 'audio/mpeg'),
				binaryMode,
			});
			expect(errorOf(result).message).toMatch(
				/^Invalid "Input Binary Field" \(audio or video\): "data": the file is empty \(0 bytes\)\. Nothing was sent to Freepik/,
			);
			expect(sim.requestsTo('create')).toHaveLength(0);
		});

		it('a PNG named .mp3: refused from its first bytes, nothing is sent', async () => {
			const result = await runFreepik(sim, fromBinary(), {
				...binaryInput(NOT_MEDIA.png[0], 'cover.mp3', 'audio/mpeg'),
				binaryMode,
			});
			expect(errorOf(result).message).toMatch(
				/"Input Binary Field" .*"data": the data is a PNG image, not audio/,
			);
			expect(sim.requestsTo('create')).toHaveLength(0);
		});

		it('a 1.5 MB file that starts like a WAV is sent whole', async () => {
			const file = Buffer.concat([AUDIO.wav, sampleFile()]);
			const result = await runFreepik(sim, fromBinary({ waitForCompletion: false }), {
				...binaryInput(file, 'voice.wav', 'audio/wav'),
				binaryMode,
			});
			expect(result.error).toBeUndefined();
			expect(sim.requestsTo('create')[0].input).toMatchObject({
				bytes: file.length,
				sha256: sha256(file),
			});
		});
	});

	it('a WAV as Input Type Video: refused before the other items are created', async () => {
		const wav = AUDIO.wav.toString('base64');
		const items = [{ json: { b: VIDEO.webm.toString('base64') } }, { json: { b: wav } }];
		const result = await runFreepik(
			sim,
			isolateFromUrl({ inputType: 'video', inputSource: 'base64', base64Data: '={{ $json.b }}' }),
			{ items },
		);
		expect(errorOf(result).message).toMatch(
			/"Base64 Data" .*: the data is WAV audio .*but Input Type is Video: set Input Type to Audio/,
		);
		expect(sim.requestsTo('create')).toHaveLength(0);
	});

	it('base64 of an HTML error page: refused as text', async () => {
		const html = NOT_MEDIA.html[0].toString('base64');
		const result = await runFreepik(
			sim,
			isolateFromUrl({ inputSource: 'base64', base64Data: html }),
		);
		expect(errorOf(result).message).toMatch(/"Base64 Data" .*the data is text, not audio/);
		expect(sim.requestsTo('create')).toHaveLength(0);
	});

	it('with Continue On Fail the bad item fails alone and the good one is created', async () => {
		const items = [
			{ json: { b: NOT_MEDIA.pdf[0].toString('base64') } },
			{ json: { b: AUDIO.flac.toString('base64') } },
		];
		const result = await runFreepik(
			sim,
			isolateFromUrl({
				inputSource: 'base64',
				base64Data: '={{ $json.b }}',
				waitForCompletion: false,
			}),
			{ items, continueOnFail: true },
		);
		expect(result.items[0].json.error).toMatch(/a PDF document, not audio/);
		expect(result.items[1].json.task_id).toBeDefined();
		expect(sim.requestsTo('create')).toHaveLength(1);
	});
});
