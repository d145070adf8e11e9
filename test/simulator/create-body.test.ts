import { createHash, randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';
import { Readable } from 'stream';
import { createSimulator, Simulator } from '../../simulator';
import { readCreateBody, parseCreateBody } from '../../simulator/create-body';
import { API_PATH } from './helpers';

const THRESHOLD = 64 * 1024;

/**
 * The body cut into pieces of irregular sizes; 50 cuts fall right after a `\` (an escape split
 * between two pieces), past the first 128 KB, where a large string is already being streamed.
 */
function pieces(body: string): Buffer[] {
	const bytes = Buffer.from(body, 'utf8');
	const out: Buffer[] = [];
	const sizes = [1, 7, 4093, 65_537, 3, 200_003];
	let splits = 0;
	for (let at = 0, n = 0; at < bytes.length; n++) {
		let end = Math.min(at + sizes[n % sizes.length], bytes.length);
		const backslash = bytes.indexOf(0x5c, at);
		if (at > 2 * THRESHOLD && splits < 50 && backslash !== -1 && backslash < end) {
			end = backslash + 1;
			splits++;
		}
		out.push(bytes.subarray(at, end));
		at = end;
	}
	return out;
}

function request(body: string): IncomingMessage {
	const req = Readable.from(pieces(body), { objectMode: false }) as unknown as IncomingMessage;
	req.headers = { 'content-length': String(Buffer.byteLength(body)) };
	return req;
}

async function post(sim: Simulator, body: string) {
	const res = await fetch(`${sim.apiUrl}${API_PATH}`, {
		method: 'POST',
		headers: { 'x-freepik-api-key': sim.apiKey, 'content-type': 'application/json' },
		body: Readable.toWeb(Readable.from(pieces(body))) as ReadableStream,
		duplex: 'half',
	} as RequestInit);
	return { status: res.status, json: (await res.json()) as any };
}

describe('simulator create bodies, read as they arrive', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await createSimulator({ taskDurationMs: 200 });
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset({ options: true }));

	it('hashes a base64 file sent in odd pieces, its "/" escaped as "\\/", byte for byte', async () => {
		const file = randomBytes(3 * 1024 * 1024 + 1);
		const base64 = file.toString('base64');
		expect(base64).toContain('/');
		const body = `{"description":"a \\"quoted\\" voice","audio":"${base64.replace(/\//g, '\\/')}","predict_spans":true}`;
		const { status } = await post(sim, body);
		expect(status).toBe(200);
		const sha256 = createHash('sha256').update(file).digest('hex');
		expect(sim.requestsTo('create')[0].body).toEqual({
			description: 'a "quoted" voice',
			predict_spans: true,
			audioLength: base64.length,
			audioBytes: file.length,
			audioSha256: sha256,
		});
	}, 30_000);

	it('keeps everything but the large string: a 4 MB file leaves a few bytes of JSON', async () => {
		const base64 = randomBytes(4 * 1024 * 1024).toString('base64');
		const read = await readCreateBody(
			request(`{"description":"x","video":"${base64}","sample_fps":2}`),
			Infinity,
			THRESHOLD,
		);
		expect(read.rest.toString()).toBe('{"description":"x","video":"","sample_fps":2}');
		expect(read.large.map(({ key, value }) => [key, value.length])).toEqual([
			['video', base64.length],
		]);
		expect(parseCreateBody(read)).toMatchObject({ description: 'x', sample_fps: 2 });
	});

	it('refuses a large string with an escape JSON does not allow as invalid JSON', async () => {
		const { status, json } = await post(
			sim,
			`{"description":"x","audio":"${'A'.repeat(THRESHOLD + 8)}\\q"}`,
		);
		expect(status).toBe(400);
		expect(json.invalid_params).toEqual([{ name: 'body', reason: 'is not valid JSON' }]);
	});

	it('refuses a large string with line breaks (\\n) as not base64, naming the field', async () => {
		const lines = `${'QUFB'.repeat(THRESHOLD / 4)}\\n`.repeat(3);
		const { status, json } = await post(sim, `{"description":"x","audio":"${lines}"}`);
		expect(status).toBe(400);
		expect(json.invalid_params).toEqual([
			{ name: 'audio', reason: 'must be an https URL or base64-encoded file' },
		]);
	});
});
