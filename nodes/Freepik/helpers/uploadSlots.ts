import type { INodeProperties } from 'n8n-workflow';

import { bounds, FIELDS } from './fields';

/**
 * Freepik takes files as base64 inside the JSON body. The body is streamed (helpers/uploadBody.ts),
 * so an upload in flight costs a few MB whatever the file size, but each holds a connection and
 * reads its file from n8n's store: uploads get a concurrency of their own (smaller than Max Tasks
 * in Flight), a slot taken just before sending and released with the answer.
 */
export const maxParallelUploadsField: INodeProperties = {
	displayName: FIELDS.maxParallelUploads.label,
	name: 'maxParallelUploads',
	type: 'number',
	typeOptions: bounds(FIELDS.maxParallelUploads),
	default: 2,
	description:
		'For binary inputs: how many files are encoded and sent at once. Each is streamed, so ' +
		'memory does not grow with the file size. Read from the first item.',
};

/** Time a request carrying `bodyBytes` may take: `baseMs` plus one second per MB (a slow link). */
export const UPLOAD_BYTES_PER_SECOND = 1024 * 1024;
export function uploadTimeoutMs(bodyBytes: number, baseMs: number): number {
	return baseMs + Math.ceil((Math.max(0, bodyBytes) / UPLOAD_BYTES_PER_SECOND) * 1000);
}

/** A counting semaphore: at most `size` holders at once, granted in call order. */
export class UploadSlots {
	private free: number;
	private readonly waiters: Array<() => void> = [];

	constructor(readonly size: number) {
		this.free = Math.max(1, Math.floor(size));
	}

	get inUse(): number {
		return Math.max(1, Math.floor(this.size)) - this.free;
	}

	get queued(): number {
		return this.waiters.length;
	}

	private async acquire(): Promise<void> {
		if (this.free > 0 && this.waiters.length === 0) {
			this.free--;
			return;
		}
		await new Promise<void>((resolve) => this.waiters.push(resolve));
	}

	private release(): void {
		const next = this.waiters.shift();
		// The slot passes straight to the next waiter, so nobody can overtake it.
		if (next) next();
		else this.free++;
	}

	/**
	 * Runs `work` holding one slot; the slot is released however `work` ends. A cancelled execution
	 * is left to `work` (the client checks the cancel signal before building or sending anything).
	 */
	async run<T>(work: () => Promise<T>): Promise<T> {
		await this.acquire();
		try {
			return await work();
		} finally {
			this.release();
		}
	}
}

const UPLOAD_BODIES = new WeakSet<object>();

/** Marks a request body that inlines a file: its create waits for an upload slot. */
export function asUpload<T extends object>(body: T): T {
	UPLOAD_BODIES.add(body);
	return body;
}

export function isUpload(body: object): boolean {
	return UPLOAD_BODIES.has(body);
}
