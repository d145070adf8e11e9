import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { InputType } from './binary';
import { FIELDS } from './fields';
import { invalid } from './validation';

/**
 * What a file's first bytes say it is, checked before anything is sent (Freepik bills a task
 * whatever it is given). Tolerant: only a clear mismatch is refused, i.e. a known non-media
 * signature (an image, a PDF, an archive, text) or media of the other Input Type. Anything not
 * recognised is sent as before.
 */

/** Enough for every signature below (the furthest, an MP4 brand or RIFF form type, ends at 12). */
export const HEAD_BYTES = 64;

type Kind = { media: InputType | 'either'; name: string } | { media: 'none'; name: string };

const ascii = (head: Buffer, at: number, text: string) =>
	head.length >= at + text.length && head.toString('latin1', at, at + text.length) === text;

/** An MPEG audio frame header (MP3, or AAC in ADTS): sync bits, and no reserved field values. */
function isMpegFrame(head: Buffer): boolean {
	if (head.length < 3 || head[0] !== 0xff || (head[1] & 0xe0) !== 0xe0) return false;
	const version = (head[1] >> 3) & 3;
	const layer = (head[1] >> 1) & 3;
	if (layer === 0) return version !== 1 && (head[1] & 0xf6) === 0xf0; // ADTS
	return version !== 1 && head[2] >> 4 !== 15 && ((head[2] >> 2) & 3) !== 3;
}

/** ISO base media (MP4, MOV, M4A): the `ftyp` box's brand tells audio from video, sometimes. */
function isoBrand(brand: string): Kind {
	if (/^M4[ABP] $/.test(brand)) return { media: 'audio', name: 'M4A audio' };
	if (brand === 'qt  ') return { media: 'video', name: 'MOV video' };
	return { media: 'either', name: 'MP4' };
}

const MEDIA: Array<[test: (head: Buffer) => boolean, kind: Kind | ((head: Buffer) => Kind)]> = [
	[(h) => (ascii(h, 0, 'RIFF') || ascii(h, 0, 'RF64')) && ascii(h, 8, 'WAVE'), aud('WAV audio')],
	[(h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'AVI '), vid('AVI video')],
	[(h) => ascii(h, 0, 'ID3'), aud('MP3 audio')],
	// Eleven sync bits are weak evidence (1 in 2000 random files has them): recognised, never refused.
	[isMpegFrame, { media: 'either', name: 'MPEG audio' }],
	[(h) => ascii(h, 0, 'fLaC'), aud('FLAC audio')],
	[(h) => ascii(h, 0, 'OggS'), { media: 'either', name: 'Ogg' }],
	[(h) => ascii(h, 4, 'ftyp'), (h) => isoBrand(h.toString('latin1', 8, 12))],
	[(h) => h.readUInt32BE(0) === 0x1a45dfa3, vid('WEBM (Matroska) video')],
];

const bytes = (head: Buffer, signature: number[]) => signature.every((b, k) => head[k] === b);

const NOT_MEDIA: Array<[test: (head: Buffer) => boolean, name: string]> = [
	[(h) => bytes(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'a PNG image'],
	[(h) => bytes(h, [0xff, 0xd8, 0xff]), 'a JPEG image'],
	[(h) => ascii(h, 0, 'GIF8'), 'a GIF image'],
	[(h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'WEBP'), 'a WEBP image'],
	[(h) => ascii(h, 0, '%PDF-'), 'a PDF document'],
	[(h) => bytes(h, [0x50, 0x4b, 0x03, 0x04]), 'a ZIP archive (or an Office document)'],
	[(h) => bytes(h, [0x1f, 0x8b, 0x08]), 'a gzip archive'],
	[(h) => bytes(h, [0xef, 0xbb, 0xbf]), 'text'],
];

function aud(name: string): Kind {
	return { media: 'audio', name };
}
function vid(name: string): Kind {
	return { media: 'video', name };
}

/** Printable ASCII only (with tabs and line breaks) over 16 bytes or more: text, not media. */
function looksLikeText(head: Buffer): boolean {
	if (head.length < 16) return false;
	return head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
}

/** What the first bytes are, or null when they are not recognised. */
export function sniff(head: Buffer): Kind | null {
	if (head.length >= 4) {
		for (const [test, kind] of MEDIA)
			if (test(head)) return typeof kind === 'function' ? kind(head) : kind;
	}
	for (const [test, name] of NOT_MEDIA) if (test(head)) return { media: 'none', name };
	return looksLikeText(head) ? { media: 'none', name: 'text' } : null;
}

/** Null unless the first bytes clearly are not `inputType` media; then why. */
export function mediaMismatchReason(inputType: InputType, head: Buffer): string | null {
	const kind = sniff(head);
	if (!kind || kind.media === inputType || kind.media === 'either') return null;
	if (kind.media === 'none')
		return `the data is ${kind.name}, not ${inputType} (checked from its first bytes)`;
	return (
		`the data is ${kind.name} (checked from its first bytes), but Input Type is ` +
		`${inputType === 'audio' ? 'Audio' : 'Video'}: set Input Type to ` +
		`${kind.media === 'audio' ? 'Audio' : 'Video'}`
	);
}

/** The first bytes of base64 text (only its start is decoded). */
export function base64Head(base64: string): Buffer {
	return Buffer.from(base64.slice(0, Math.ceil(HEAD_BYTES / 3) * 4), 'base64');
}

/** The first bytes of an n8n binary file: read from its store, never the whole file. */
export async function binaryHead(ctx: IExecuteFunctions, binaryData: IBinaryData): Promise<Buffer> {
	if (!binaryData.id) return base64Head(binaryData.data ?? '');
	const stream = (await ctx.helpers.getBinaryStream(
		binaryData.id,
		HEAD_BYTES,
	)) as AsyncIterable<Buffer> & {
		destroy?: () => void;
	};
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		chunks.push(chunk);
		size += chunk.length;
		if (size >= HEAD_BYTES) break;
	}
	stream.destroy?.();
	return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}

/** Refuses an empty file, or one whose first bytes are not `inputType` media, naming the field. */
export async function checkBinaryHead(
	ctx: IExecuteFunctions,
	itemIndex: number,
	inputType: InputType,
	propertyName: string,
	binaryData: IBinaryData,
): Promise<void> {
	const head = await binaryHead(ctx, binaryData);
	const field = FIELDS.binaryPropertyName.label;
	if (!head.length)
		invalid(
			ctx,
			itemIndex,
			field,
			`"${propertyName}": the file is empty (0 bytes)`,
			'pass a file with content',
		);
	const reason = mediaMismatchReason(inputType, head);
	if (reason) invalid(ctx, itemIndex, field, `"${propertyName}": ${reason}`);
}
