/**
 * The downloaded WAV keeps the input's name (`episode-42.mp3` → `episode-42-isolated.wav`); the
 * task id stays in the JSON. Real node through n8n-core against the simulator.
 */
import type { Simulator } from '../../../../simulator';
import { isolateFromUrl, runFreepik, startSimulator } from '../../../helpers/freepik';
import { mp3, sampleFile } from '../utils';

describe('result file names', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	it('a binary input episode-42.mp3 gives episode-42-isolated.wav', async () => {
		const { items, error } = await runFreepik(
			sim,
			isolateFromUrl({ inputSource: 'binary', binaryPropertyName: 'data', url: undefined }),
			{ items: [{ json: {}, binary: { data: mp3(sampleFile(4096), 'episode-42.mp3') } }] },
		);
		expect(error).toBeUndefined();
		expect(items[0].binary!.data.fileName).toBe('episode-42-isolated.wav');
		expect(items[0].json.task_id).toEqual(expect.any(String));
	});

	it("a URL input takes the URL path's basename, decoded; further results get _1", async () => {
		const { items, error } = await runFreepik(
			sim,
			isolateFromUrl({
				description: 'A person speaking [sim:results=2]',
				url: 'https://cdn.example.com/shows/Ep%2042.final.mp3?sig=abc',
			}),
		);
		expect(error).toBeUndefined();
		expect(items[0].binary!.data.fileName).toBe('Ep 42.final-isolated.wav');
		expect(items[0].binary!.data_1.fileName).toBe('Ep 42.final-isolated_1.wav');
	});

	it('without an input name (base64, or a URL without a file name) the task id names the file', async () => {
		for (const parameters of [
			isolateFromUrl({
				inputSource: 'base64',
				base64Data: sampleFile(4096).toString('base64'),
				url: undefined,
			}),
			isolateFromUrl({ url: 'https://example.com/' }),
		]) {
			const { items, error } = await runFreepik(sim, parameters);
			expect(error).toBeUndefined();
			expect(items[0].binary!.data.fileName).toBe(`${items[0].json.task_id}.wav`);
		}
	});
});
