import { describeWav, type Simulator } from '../../../../simulator';
import { API_KEY, isolateFromUrl, readBinary, runFreepik, startSimulator } from '../../../../helpers/freepik';

describe('Isolate', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	it('submits a URL task, waits, and downloads the WAV without sending the key to the file host', async () => {
		const { items, error } = await runFreepik(sim, isolateFromUrl());
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.json.status).toBe('COMPLETED');
		expect(item.json.task_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(item.json.data).toBeUndefined();
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary!.data.mimeType).toBe('audio/wav');
		expect(item.binary!.data.fileName).toBe(`${item.json.task_id}.wav`);
		const wav = await readBinary(item.binary!.data);
		expect(describeWav(wav)).not.toBeNull();

		const [create] = sim.requestsTo('create');
		expect(create.headers['x-freepik-api-key']).toBe(API_KEY);
		expect(create.body).toEqual({ description: 'A person speaking', audio: 'https://example.com/interview.mp3' });
		const downloads = sim.requestsTo('download');
		expect(downloads).toHaveLength(1);
		expect(downloads[0].headers['x-freepik-api-key']).toBeUndefined();
		expect(JSON.stringify(downloads[0].headers)).not.toContain(API_KEY);
	});

	it('returns the CREATED task without polling when Wait for Completion is off', async () => {
		const { items } = await runFreepik(sim, isolateFromUrl({ waitForCompletion: false }));
		expect(items[0].json).toMatchObject({ status: 'CREATED', generated: [] });
		expect(sim.stats().gets).toBe(0);
		expect(sim.stats().creates).toBe(1);
	});
});
