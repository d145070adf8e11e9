import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

type FileStream = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** Where the file's bytes come from; opened afresh for every attempt of the create. */
interface FileSource {
	/** Bytes of base64 the file takes in the body. */
	encodedBytes: number;
	open(): Promise<{ chunks: AsyncIterable<Buffer>; close(): void }>;
}

// A multiple of 3 (base64 chunks then concatenate cleanly), small enough that each chunk's base64
// string dies young in V8's new space instead of piling up as large objects until a full GC.
const CHUNK = 3 * 16 * 1024;
// Characters of n8n's in-memory base64 sent per step (a multiple of 4, the same 64 KB).
const BASE64_STEP = (CHUNK / 3) * 4;
const CANONICAL_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const SIZE_CHANGED = 'the input file changed size while it was being read';

/**
 * The create request's JSON body with the file inlined as base64, produced chunk by chunk while it
 * is sent: the JSON head, the file read from n8n's binary store and encoded chunk by chunk, the
 * tail. Its length is known in advance, so it goes out with a Content-Length, and memory stays
 * flat in the file size.
 *
 * A Blob because that is the streamed body n8n's HTTP helper (axios) accepts without Node's
 * `stream` module, which community nodes may not import: it reads `size` and `stream()`.
 * Each instance is sent once; a retry builds a new one, which reads the file again.
 */
export class UploadBody extends Blob {
	/** Own and enumerable: n8n drops a body object that has no own keys. */
	readonly bodyBytes: number;
	/** Why the body could not be produced (e.g. the file changed size); the request was cut. */
	failure: Error | undefined = undefined;
	private closed = false;
	private closeSource: (() => void) | undefined = undefined;

	constructor(
		private readonly head: Buffer,
		private readonly source: FileSource,
		private readonly tail: Buffer,
	) {
		super([], { type: 'application/json' });
		this.bodyBytes = head.length + source.encodedBytes + tail.length;
		// Blob's own `size` is 0 (it holds no parts); this one is what the stream produces.
		Object.defineProperty(this, 'size', { value: this.bodyBytes });
	}

	/** Pulled one chunk at a time, so the file is read only as fast as the socket takes it. */
	override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
		const chunks = this.chunks()[Symbol.asyncIterator]();
		return new ReadableStream<Uint8Array<ArrayBuffer>>(
			{
				pull: async (controller) => {
					try {
						const next = await chunks.next();
						if (next.done) controller.close();
						else controller.enqueue(next.value as Uint8Array<ArrayBuffer>);
					} catch (error) {
						if (!this.closed) this.failure = error as Error;
						controller.error(error);
					}
				},
				cancel: () => this.close(),
			},
			{ highWaterMark: 0 },
		);
	}

	/** Closes the file stream (after the answer, a failure or a cancel); nothing more is read. */
	close(): void {
		this.closed = true;
		this.releaseSource();
	}

	private releaseSource(): void {
		this.closeSource?.();
		this.closeSource = undefined;
	}

	private async *chunks(): AsyncGenerator<Buffer> {
		try {
			yield this.head;
			const { chunks, close } = await this.source.open();
			this.closeSource = close;
			if (this.closed) return close();
			yield* chunks;
			yield this.tail;
		} finally {
			this.releaseSource();
		}
	}
}

/** The create body for `fields` plus the file under `fieldName`, to be streamed (see above). */
export async function uploadBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	binaryData: IBinaryData,
	fields: Record<string, unknown>,
	fieldName: string,
): Promise<UploadBody> {
	const head = JSON.stringify(fields).slice(0, -1);
	const prefix = `${head}${head.length > 1 ? ',' : ''}${JSON.stringify(fieldName)}:"`;
	const source = binaryData.id
		? await storedFile(ctx, binaryData.id)
		: await memoryFile(ctx, itemIndex, propertyName, binaryData);
	return new UploadBody(Buffer.from(prefix, 'utf8'), source, Buffer.from('"}', 'utf8'));
}

/** Filesystem (or any store with ids): streamed from the store, encoded chunk by chunk. */
async function storedFile(ctx: IExecuteFunctions, id: string): Promise<FileSource> {
	const size = (await ctx.helpers.getBinaryMetadata(id)).fileSize;
	return {
		encodedBytes: base64Length(size),
		open: async () => {
			const stream: FileStream = await ctx.helpers.getBinaryStream(id, CHUNK);
			return {
				chunks: encodeChunks(stream as AsyncIterable<Buffer>, size),
				close: () => stream.destroy(),
			};
		},
	};
}

/**
 * Memory mode: n8n already holds the file as a base64 string, which is sent in slices as it is
 * (no copy of the file). Only a non-canonical string (line breaks, a data: prefix) is decoded.
 */
async function memoryFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	binaryData: IBinaryData,
): Promise<FileSource> {
	const text = binaryData.data;
	if (text.length % 4 === 0 && CANONICAL_BASE64.test(text)) {
		return {
			encodedBytes: text.length,
			open: async () => ({ chunks: slicesOf(text), close: () => {} }),
		};
	}
	// Decoded now: only the decoded length is exact (line breaks do not count).
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	return {
		encodedBytes: base64Length(buffer.length),
		open: async () => ({
			chunks: encodeChunks(bufferChunks(buffer), buffer.length),
			close: () => {},
		}),
	};
}

export function base64Length(bytes: number): number {
	return Math.ceil(bytes / 3) * 4;
}

/**
 * Base64 of `chunks` (any sizes), chunk by chunk: the 0-2 bytes past a multiple of 3 are carried
 * into the next chunk. Fails when the file turns out longer or shorter than `size`.
 */
export async function* encodeChunks(
	chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
	size: number,
): AsyncGenerator<Buffer> {
	let carry = Buffer.alloc(0);
	let read = 0;
	for await (const chunk of chunks) {
		read += chunk.length;
		if (read > size) throw new Error(SIZE_CHANGED);
		const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
		const whole = bytes.length - (bytes.length % 3);
		if (whole) yield Buffer.from(bytes.toString('base64', 0, whole), 'latin1');
		carry = Buffer.from(bytes.subarray(whole));
	}
	if (read !== size) throw new Error(SIZE_CHANGED);
	if (carry.length) yield Buffer.from(carry.toString('base64'), 'latin1');
}

function* bufferChunks(buffer: Buffer): Iterable<Buffer> {
	for (let offset = 0; offset < buffer.length; offset += CHUNK)
		yield buffer.subarray(offset, offset + CHUNK);
}

async function* slicesOf(text: string): AsyncGenerator<Buffer> {
	for (let at = 0; at < text.length; at += BASE64_STEP)
		yield Buffer.from(text.slice(at, at + BASE64_STEP), 'latin1');
}
