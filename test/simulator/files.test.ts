import { createHash } from 'crypto';
import { createSimulator, describeWav, Simulator, wavFileSize } from '../../simulator';
import { completedTask, getTask, sleep } from './helpers';

/** Reads a response body chunk by chunk (never as one buffer); returns size, sha256 and the first 44 bytes. */
async function streamBody(res: Response) {
	const reader = res.body!.getReader();
	const hash = createHash('sha256');
	let size = 0;
	let head = Buffer.alloc(0);
	let chunks = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks++;
		size += value.length;
		hash.update(value);
		if (head.length < 44)
			head = Buffer.concat([head, Buffer.from(value.subarray(0, 44 - head.length))]);
	}
	return { size, sha256: hash.digest('hex'), head, chunks };
}

describe('simulator file server', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await createSimulator({ taskDurationMs: 0 });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset({ options: true }));

	it('serves a valid PCM 16-bit mono 16 kHz WAV with Content-Type and Content-Length', async () => {
		const task = await completedTask(sim);
		const res = await fetch(task.generated[0]);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('audio/wav');
		const body = Buffer.from(await res.arrayBuffer());
		expect(Number(res.headers.get('content-length'))).toBe(body.length);
		expect(body.length).toBe(wavFileSize(32 * 1024));
		expect(describeWav(body)).toEqual({
			riffSize: body.length - 8,
			format: 1,
			channels: 1,
			sampleRate: 16000,
			bitsPerSample: 16,
			dataBytes: body.length - 44,
		});
		const samples = new Int16Array(body.buffer, body.byteOffset + 44, 200);
		expect(Math.max(...samples)).toBeGreaterThan(1000); // a tone, not silence
	});

	it('streams a 5 MB file in chunks, identically on every download', async () => {
		const task = await completedTask(sim, '[sim:bytes=5242880]');
		const first = await streamBody(await fetch(task.generated[0]));
		const second = await streamBody(await fetch(task.generated[0]));
		expect(first.size).toBe(5 * 1024 * 1024);
		expect(first.chunks).toBeGreaterThan(1);
		expect(describeWav(first.head)?.dataBytes).toBe(5 * 1024 * 1024 - 44);
		expect(second.sha256).toBe(first.sha256);
	});

	it('derives the audio from the task id (different tasks, different data)', async () => {
		const a = await completedTask(sim, 'a');
		const b = await completedTask(sim, 'b');
		const hashA = (await streamBody(await fetch(a.generated[0]))).sha256;
		const hashB = (await streamBody(await fetch(b.generated[0]))).sha256;
		expect(hashA).not.toBe(hashB);
	});

	it('answers HEAD with the headers only', async () => {
		const task = await completedTask(sim);
		const res = await fetch(task.generated[0], { method: 'HEAD' });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-length')).toBe(String(wavFileSize(32 * 1024)));
	});

	it('refuses a bad signature and a tampered expiry with 403', async () => {
		const task = await completedTask(sim);
		const url = new URL(task.generated[0]);
		const badSig = new URL(url);
		badSig.searchParams.set('sig', '0'.repeat(64));
		const res = await fetch(badSig);
		expect(res.status).toBe(403);
		expect(await res.text()).toContain('SignatureDoesNotMatch');
		const later = new URL(url);
		later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1000));
		expect((await fetch(later)).status).toBe(403);
		const unsigned = new URL(url);
		unsigned.search = '';
		expect((await fetch(unsigned)).status).toBe(403);
	});

	it('refuses an expired URL with 403 AccessDenied; a later GET hands out a fresh URL', async () => {
		sim.configure({ urlTtlMs: 150 });
		const task = await completedTask(sim);
		await sleep(200);
		const res = await fetch(task.generated[0]);
		expect(res.status).toBe(403);
		expect(await res.text()).toContain('<Code>AccessDenied</Code>');
		// The fresh URL lives an hour, so fetching it is not a race against 150 ms.
		sim.configure({ urlTtlMs: 3_600_000 });
		const fresh = (await getTask(sim, task.task_id)).data.generated[0];
		expect(fresh).not.toBe(task.generated[0]);
		expect((await fetch(fresh)).status).toBe(200);
	});

	it('404s unknown paths and results that do not exist', async () => {
		expect((await fetch(`${sim.fileUrl}/nothing`)).status).toBe(404);
		const task = await completedTask(sim);
		const wrongTask = task.generated[0].replace(
			task.task_id,
			'00000000-0000-4000-8000-000000000000',
		);
		expect((await fetch(wrongTask)).status).toBe(403); // the signature covers the task id
	});

	it('records file requests with their headers, so tests can prove the key never reaches the file host', async () => {
		const task = await completedTask(sim);
		await (await fetch(task.generated[0], { headers: { 'user-agent': 'sim-test' } })).arrayBuffer();
		const downloads = sim.requestsTo('download');
		expect(downloads).toHaveLength(1);
		expect(downloads[0]).toMatchObject({
			server: 'file',
			method: 'GET',
			status: 200,
			completed: true,
			taskId: task.task_id,
		});
		expect(downloads[0].headers['user-agent']).toBe('sim-test');
		expect(downloads[0].headers['x-freepik-api-key']).toBeUndefined();
		expect(downloads[0].query.sig).toMatch(/^[0-9a-f]{64}$/);
		expect(sim.stats().downloads).toBe(1);
	});
});
