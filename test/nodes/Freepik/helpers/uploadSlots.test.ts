import { UploadSlots, uploadTimeoutMs } from '../../../../nodes/Freepik/helpers/uploadSlots';
import { DEFAULTS } from '../../../../nodes/Freepik/helpers/limits';
import type { Simulator } from '../../../../simulator';
import { isolateFromBinary, runFreepik, startSimulator } from '../../../helpers/freepik';

/** A promise with its resolve function, to hold work open until the test lets it finish. */
function gate() {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { open, opened };
}

const settle = async () => {
	for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('UploadSlots (upload concurrency of its own)', () => {
	it('runs at most `size` uploads at once and starts the others in call order as slots free up', async () => {
		const slots = new UploadSlots(2);
		const gates = [0, 1, 2, 3, 4].map(() => gate());
		const started: number[] = [];
		const runs = gates.map((g, n) =>
			slots.run(async () => {
				started.push(n);
				await g.opened;
				return n;
			}),
		);
		await settle();
		expect(started).toEqual([0, 1]);
		expect(slots.queued).toBe(3);
		gates[1].open();
		await settle();
		expect(started).toEqual([0, 1, 2]);
		gates[0].open();
		gates[2].open();
		await settle();
		expect(started).toEqual([0, 1, 2, 3, 4]);
		gates[3].open();
		gates[4].open();
		expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
		expect(slots.inUse).toBe(0);
	});

	it('frees the slot when an upload fails', async () => {
		const slots = new UploadSlots(1);
		await expect(
			slots.run(async () => Promise.reject(new Error('socket hang up'))),
		).rejects.toThrow('socket hang up');
		expect(slots.inUse).toBe(0);
		expect(await slots.run(async () => 'next')).toBe('next');
	});
});

describe('uploadTimeoutMs', () => {
	it('grows with the body: the base timeout plus one second per MB', () => {
		expect(uploadTimeoutMs(0, 120_000)).toBe(120_000);
		expect(uploadTimeoutMs(1024 * 1024, 120_000)).toBe(121_000);
		// A 500 MB file (~667 MB of base64 JSON) gets about 11 minutes more than a small request.
		expect(uploadTimeoutMs(Math.ceil((500 * 1024 * 1024 * 4) / 3), 120_000)).toBeGreaterThan(
			120_000 + 660_000,
		);
	});
});

describe('Max Parallel Uploads through n8n-core (6 binary items, slow create answers)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator();
	});
	afterAll(async () => await sim.close());

	async function isolateSixFiles(options: Record<string, unknown>) {
		sim.reset();
		sim.addFault({ route: 'create', kind: 'delay', ms: 400, times: 6 });
		const items = Array.from({ length: 6 }, (_, n) => ({
			json: {},
			binary: {
				data: { data: Buffer.alloc(3000 + n, n), fileName: `take-${n}.wav`, mimeType: 'audio/wav' },
			},
		}));
		let mostPending = 0;
		// Watches the server: how many create requests are open (arrived, not yet answered) at once.
		const watch = setInterval(() => {
			const pending = sim.requestsTo('create').filter((r) => r.status === null).length;
			mostPending = Math.max(mostPending, pending);
		}, 20);
		try {
			const result = await runFreepik(sim, isolateFromBinary({ tuning: options }), { items });
			return { result, mostPending, creates: sim.requestsTo('create') };
		} finally {
			clearInterval(watch);
		}
	}

	it(`sends at most ${DEFAULTS.maxParallelUploads} uploads at once by default, each file exactly once`, async () => {
		const { result, mostPending, creates } = await isolateSixFiles({});
		expect(result.error?.message).toBeUndefined();
		expect(new Set(result.items.map((item) => item.json.task_id))).toEqual(
			new Set(creates.map((c) => c.taskId)),
		);
		expect(creates).toHaveLength(6);
		expect(new Set(creates.map((c) => (c.input as { sha256: string }).sha256)).size).toBe(6);
		expect(mostPending).toBe(DEFAULTS.maxParallelUploads);
	});

	it('follows the option', async () => {
		const { result, mostPending } = await isolateSixFiles({ maxParallelUploads: 3 });
		expect(result.error?.message).toBeUndefined();
		expect(mostPending).toBe(3);
	});

	it('refuses an invalid value naming the field, before any request', async () => {
		sim.reset();
		const result = await runFreepik(sim, isolateFromBinary({ tuning: { maxParallelUploads: 0 } }), {
			items: [
				{
					json: {},
					binary: {
						data: { data: Buffer.alloc(100, 1), fileName: 'a.wav', mimeType: 'audio/wav' },
					},
				},
			],
		});
		expect(result.error?.message).toMatch(/^Invalid "Max Parallel Uploads"/);
		expect(sim.requests).toHaveLength(0);
	});
});
