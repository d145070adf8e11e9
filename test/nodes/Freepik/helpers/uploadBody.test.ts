/**
 * The streamed create body (helpers/uploadBody.ts) on inputs n8n's binary store does not produce on
 * its own: chunks of any size, a file that grows or shrinks while it is read, a cancel mid-way.
 * Sending it through n8n-core to the simulator is covered by uploadBody.n8n.test.ts.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import {
	encodeChunks,
	SIZE_CHANGED,
	uploadBody,
	type UploadBody,
} from '../../../../nodes/Freepik/helpers/uploadBody';

const stored: IBinaryData = { id: 'filesystem-v2:file', data: '', mimeType: 'audio/wav' };

/** A file stream of n8n's store (the parts the body uses): yields `chunks`, counts them, closes. */
function fileStream(chunks: Buffer[]) {
	return {
		read: 0,
		destroyed: false,
		destroy() {
			this.destroyed = true;
		},
		async *[Symbol.asyncIterator]() {
			for (const chunk of chunks) {
				if (this.destroyed) return;
				this.read++;
				yield chunk;
			}
		},
	};
}

/** A binary store that streams the file in the given chunks and reports `fileSize`. */
function storeStreaming(chunks: Buffer[], fileSize: number) {
	const opened: Array<ReturnType<typeof fileStream>> = [];
	const ctx = {
		helpers: {
			getBinaryMetadata: async () => ({ fileSize }),
			getBinaryStream: async () => opened[opened.push(fileStream(chunks)) - 1],
		},
	} as unknown as IExecuteFunctions;
	return { ctx, opened };
}

async function drain(body: UploadBody): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const part of body.stream()) parts.push(Buffer.from(part));
	return Buffer.concat(parts);
}

const file = Buffer.from(Array.from({ length: 101 }, (_, i) => (i * 37) % 256));

describe('the create body, streamed with the file inlined as base64', () => {
	it('encodes a file streamed in chunks of any size exactly like the whole file, in its announced length', async () => {
		// 1, 2, 47, 1 and 50 bytes: carries of 1 and 2 bytes from one chunk into the next.
		const cuts = [0, 1, 3, 50, 51, 101];
		const chunks = cuts.slice(1).map((end, n) => file.subarray(cuts[n], end));
		const { ctx } = storeStreaming(chunks, file.length);
		const body = await uploadBody(ctx, 0, 'data', stored, { description: 'voice' }, 'audio');
		const sent = await drain(body);
		expect(JSON.parse(sent.toString())).toEqual({
			description: 'voice',
			audio: file.toString('base64'),
		});
		expect(sent.length).toBe(body.bodyBytes);
		expect(body.size).toBe(body.bodyBytes);
	});

	it('is valid JSON when the file is the only field', async () => {
		const { ctx } = storeStreaming([Buffer.from('abcd')], 4);
		const body = await uploadBody(ctx, 0, 'data', stored, {}, 'audio');
		expect(JSON.parse((await drain(body)).toString())).toEqual({ audio: 'YWJjZA==' });
	});

	it('reads the file again for every body, so a retry sends it whole', async () => {
		const { ctx, opened } = storeStreaming([file], file.length);
		const first = await drain(await uploadBody(ctx, 0, 'data', stored, {}, 'audio'));
		const second = await drain(await uploadBody(ctx, 0, 'data', stored, {}, 'audio'));
		expect(second.equals(first)).toBe(true);
		expect(opened).toHaveLength(2);
	});

	it.each([
		['grows', [Buffer.alloc(300)]],
		['shrinks', [Buffer.alloc(10)]],
	])('fails clearly, and remembers why, when the file %s while it is read', async (_, chunks) => {
		const { ctx, opened } = storeStreaming(chunks, 30);
		const body = await uploadBody(ctx, 0, 'data', stored, { description: 'voice' }, 'audio');
		await expect(drain(body)).rejects.toThrow(SIZE_CHANGED);
		expect(body.failure?.message).toBe(SIZE_CHANGED);
		expect(opened[0].destroyed).toBe(true);
	});

	it('closes the file stream when closed mid-way, reads nothing more, and reports no failure', async () => {
		const chunks = Array.from({ length: 10 }, () => Buffer.alloc(30, 1));
		const { ctx, opened } = storeStreaming(chunks, 300);
		const body = await uploadBody(ctx, 0, 'data', stored, {}, 'audio');
		const reader = body.stream().getReader();
		await reader.read(); // the JSON head
		await reader.read(); // the first chunk of the file
		body.close();
		const [stream] = opened;
		expect(stream.destroyed).toBe(true);
		const readBefore = stream.read;
		await reader.read().catch(() => undefined);
		expect(stream.read).toBe(readBefore);
		expect(body.failure).toBeUndefined();
	});
});

describe('memory mode: n8n already holds the file as base64', () => {
	const inMemory = (data: string) =>
		({ data, mimeType: 'audio/wav', fileName: 'a.wav' }) as IBinaryData;
	const noStore = (buffer?: Buffer) =>
		({
			helpers: { getBinaryDataBuffer: jest.fn(async () => buffer) },
		}) as unknown as IExecuteFunctions & {
			helpers: { getBinaryDataBuffer: jest.Mock };
		};

	it("sends n8n's base64 as it is, without decoding the file", async () => {
		const big = Buffer.alloc(300_000, 9);
		const ctx = noStore();
		const body = await uploadBody(ctx, 0, 'data', inMemory(big.toString('base64')), {}, 'audio');
		const sent = await drain(body);
		expect(JSON.parse(sent.toString()).audio).toBe(big.toString('base64'));
		expect(sent.length).toBe(body.bodyBytes);
		expect(ctx.helpers.getBinaryDataBuffer).not.toHaveBeenCalled();
	});

	it('decodes and re-encodes base64 that is not canonical (line breaks)', async () => {
		const canonical = file.toString('base64');
		const wrapped = canonical.replace(/(.{8})/g, '$1\r\n'); // many line breaks
		const ctx = noStore(file);
		const body = await uploadBody(ctx, 0, 'data', inMemory(wrapped), {}, 'audio');
		const sent = await drain(body);
		expect(JSON.parse(sent.toString()).audio).toBe(canonical);
		expect(sent.length).toBe(body.bodyBytes);
	});
});

describe('encodeChunks', () => {
	it('yields base64 that concatenates to the base64 of the whole input', async () => {
		const parts: Buffer[] = [];
		for await (const part of encodeChunks([file.subarray(0, 4), file.subarray(4)], file.length))
			parts.push(part);
		expect(Buffer.concat(parts).toString()).toBe(file.toString('base64'));
	});
});
