/**
 * Fault matrix of the streamed upload: a binary input of 16 MB (a body larger than loopback's
 * socket buffers, so a fault really lands mid-upload), filesystem binary mode, through n8n-core
 * against the simulator, which decodes every body it reads and hashes it.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';

import type { Simulator } from '../../simulator';
import { isolateFromBinary, runFreepik, startSimulator } from '../helpers/freepik';
import { sleep, useFastRetries, waitUntil } from './support';

const FILE = crypto.randomBytes(16 * 1024 * 1024);
const FILE_SHA256 = crypto.createHash('sha256').update(FILE).digest('hex');

const uploadFile = () => ({
	items: [
		{ json: {}, binary: { data: { data: FILE, fileName: 'talk.mp3', mimeType: 'audio/mpeg' } } },
	],
	binaryMode: 'filesystem' as const,
});
const isolate = isolateFromBinary();

/** Descriptors of this process open on files of n8n's binary store (the harness's temp folder). */
function openStoreFiles(): number {
	return fs.readdirSync('/proc/self/fd').filter((fd) => {
		try {
			return fs.readlinkSync(`/proc/self/fd/${fd}`).includes('freepik-binary-');
		} catch {
			return false; // closed while listed
		}
	}).length;
}

// Storing and hashing 16 MB takes seconds on a loaded 2-core machine (no time is asserted).
jest.setTimeout(180_000);

describe('fault matrix: streamed binary upload (16 MB, filesystem mode)', () => {
	let sim: Simulator;
	let restoreRetries: () => void;
	beforeAll(async () => {
		restoreRetries = useFastRetries();
		sim = await startSimulator();
	});
	afterAll(async () => {
		restoreRetries();
		await sim.close();
	});
	beforeEach(() => sim.reset());

	const posts = () => sim.requestsTo('create');
	const created = () => posts().filter((r) => r.status === 200);

	it('503 before the body is read: sends the file again, whole, and creates one task', async () => {
		sim.addFault({ route: 'create', kind: 'status', status: 503 });
		const result = await runFreepik(sim, isolate, uploadFile());
		expect(result.error?.message).toBeUndefined();
		expect(posts()).toHaveLength(2);
		expect(created()).toHaveLength(1);
		expect(created()[0].input).toMatchObject({ bytes: FILE.length, sha256: FILE_SHA256 });
		expect(result.items[0].json.task_id).toBe(created()[0].taskId);
	});

	it('connection reset mid-upload: not sent again, the task "may have been created"', async () => {
		sim.addFault({ route: 'create', kind: 'reset' });
		const result = await runFreepik(sim, isolate, uploadFile());
		expect(result.error?.message).toMatch(
			/Could not reach Freepik while creating the isolation task.*may have been created/,
		);
		expect(posts()).toHaveLength(1);
		expect(created()).toHaveLength(0);
		// Closing a file is asynchronous; bounded wait, then the check that can fail.
		await waitUntil(() => openStoreFiles() === 0);
		expect(openStoreFiles()).toBe(0);
	});

	it('a slow reader (the server holds the body 1.5 s before reading): the file arrives intact', async () => {
		sim.addFault({ route: 'create', kind: 'delay', ms: 1500 });
		const result = await runFreepik(sim, isolate, uploadFile());
		expect(result.error?.message).toBeUndefined();
		expect(posts()).toHaveLength(1);
		expect(created()[0].input).toMatchObject({ bytes: FILE.length, sha256: FILE_SHA256 });
	});

	it('cancel mid-upload: the file stream is closed and no request follows', async () => {
		// The server holds the body unread for 10 s: the upload stalls after the socket buffers.
		sim.addFault({ route: 'create', kind: 'delay', ms: 10_000 });
		// Cancelled mid-upload: the POST has reached the server and the stored file is being read.
		let midUpload = false;
		const run = runFreepik(sim, isolate, {
			...uploadFile(),
			cancelWhen: () => (midUpload ||= posts().length === 1 && openStoreFiles() > 0),
		});
		const result = await run;
		expect(midUpload).toBe(true);
		expect(result.status).toBe('canceled');
		await waitUntil(() => openStoreFiles() === 0);
		expect(openStoreFiles()).toBe(0);
		const requests = sim.requests.length;
		await sleep(500);
		expect(sim.requests).toHaveLength(requests);
		expect(posts()).toHaveLength(1);
		expect(created()).toHaveLength(0);
	});
});
