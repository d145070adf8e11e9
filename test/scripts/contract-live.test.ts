/**
 * `npm run contract:live`: the checks against the simulator (what CI runs), that they notice a
 * drift, and that without a key or without --yes nothing is sent anywhere.
 */
import { execFile } from 'child_process';
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import { promisify } from 'util';

import { createSimulator, type Simulator } from '../../simulator';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runChecks } = require('../../scripts/lib/contract-checks');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeIo } = require('../../scripts/lib/contract-io');

const SCRIPT = 'scripts/contract-live.js';
type Row = { point: string; docs: string; seen: string; result: string };

const run = async (args: string[], env: Record<string, string> = {}) => {
	const clean = { ...process.env, FREEPIK_API_KEY: '', MAGNIFIC_API_KEY: '', ...env };
	try {
		const { stdout } = await promisify(execFile)('node', [SCRIPT, ...args], { env: clean });
		return { code: 0, stdout };
	} catch (error) {
		const failed = error as { code: number; stdout: string };
		return { code: failed.code, stdout: failed.stdout };
	}
};

describe('contract:live', () => {
	it('without a key prints how to run it and exits 0', async () => {
		const { code, stdout } = await run([]);
		expect(code).toBe(0);
		expect(stdout).toContain('FREEPIK_API_KEY=<key> npm run contract:live -- --yes');
		expect(stdout).not.toContain('point');
	});

	it('with a key but without --yes creates nothing and never prints the key', async () => {
		const key = 'fpk-do-not-print-3b8d';
		const { code, stdout } = await run(['--base-url', 'http://127.0.0.1:9'], {
			FREEPIK_API_KEY: key,
		});
		expect(code).toBe(0);
		expect(stdout).toContain('add --yes');
		expect(stdout).not.toContain(key);
	});

	it('against the simulator matches every point and exits 0', async () => {
		const { code, stdout } = await run(['--simulator']);
		expect(code).toBe(0);
		expect(stdout).toMatch(/list items\s+\|.*\| matched/);
		expect(stdout).toMatch(/download generated\s+\|.*\| matched/);
		expect(stdout).toContain('0 did not');
	});
});

describe('contract checks', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await createSimulator({ taskDurationMs: 50 })));
	afterAll(async () => await sim.close());

	const check = async (): Promise<Row[]> =>
		await runChecks(
			makeIo({
				baseUrl: sim.apiUrl,
				key: sim.apiKey,
				keyHeader: 'x-freepik-api-key',
				loopbackOnly: true,
				pollMs: 20,
				maxWaitMs: 5000,
			}),
		);
	const resultOf = (rows: Row[], point: string) => rows.find((r) => r.point === point)!.result;

	it('notice a list that drifts from the docs (items with generated)', async () => {
		sim.configure({ listGenerated: true });
		const rows = await check();
		expect(resultOf(rows, 'list items')).toBe('NOT matched');
		expect(resultOf(rows, 'create answer')).toBe('matched');
	});

	it('report the problem+json form of a 400 as matched and the rate-limit headers seen', async () => {
		sim.configure({ listGenerated: false, problemErrors: true });
		const rows = await check();
		expect(rows.find((r) => r.point === '400 error body')).toMatchObject({
			seen: expect.stringContaining('problem form'),
			result: 'matched',
		});
		expect(rows.find((r) => r.point === 'rate-limit headers')!.seen).toBe('none');
	});

	it('refuse to reach anything but loopback in simulator mode', async () => {
		const io = makeIo({
			baseUrl: 'https://api.freepik.com',
			key: 'k',
			keyHeader: 'x',
			loopbackOnly: true,
		});
		await expect(io.call('/v1/ai/audio-isolation')).rejects.toThrow(
			'refused to reach api.freepik.com',
		);
		await expect(io.download('https://cdn.example/a.wav')).rejects.toThrow('refused');
	});

	it('keep a Base URL path prefix (a proxy) in every API call', async () => {
		const paths: string[] = [];
		const server = createServer((req, res) => {
			paths.push(req.url ?? '');
			res.setHeader('content-type', 'application/json');
			res.end('{"data":[]}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const io = makeIo({
				baseUrl: `http://127.0.0.1:${port}/freepik-proxy/`,
				key: 'k',
				keyHeader: 'x-freepik-api-key',
				loopbackOnly: true,
			});
			expect((await io.call('/v1/ai/audio-isolation')).status).toBe(200);
			expect(paths).toEqual(['/freepik-proxy/v1/ai/audio-isolation']);
		} finally {
			server.close();
		}
	});
});
