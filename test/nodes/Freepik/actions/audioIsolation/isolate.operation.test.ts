import { describeWav, wavFileSize, type Simulator } from '../../../../../simulator';
import { waitFor } from '../../../../simulator/helpers';
import { FastClock } from '../../../../helpers/fastClock';
import {
	API_KEY,
	isolateFromUrl,
	readBinary,
	runFreepik,
	startSimulator,
	useTuning,
} from '../../../../helpers/freepik';
import {
	createdTaskIds,
	errorOf,
	expectNoKeyLeak,
	itemsWith,
	mp3,
	perItemDescription,
	sampleFile,
	sha256,
} from '../../utils';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { capturedLogs } = require('../../../../../harness/n8n-harness') as {
	capturedLogs: Array<{ level: string; message: string }>;
};

const RESULT_WAV_BYTES = wavFileSize(32 * 1024);

describe('Isolate', () => {
	// The node waits on a clock ten times faster than real time (Max Wait Time 2 s = 0.2 s), so the
	// simulator's tasks finish in 30 ms to stay well inside every wait.
	const clock = new FastClock(10);
	let sim: Simulator;
	let restoreTuning: () => void;
	beforeAll(async () => {
		restoreTuning = useTuning({ engine: { clock } });
		sim = await startSimulator({ taskDurationMs: 30 });
	});
	afterAll(async () => {
		restoreTuning();
		await sim.close();
	});
	beforeEach(() => sim.reset());

	/** On the node's clock, from the (only) create to the last poll. */
	const lastPollAfterCreateMs = () => {
		const [create] = sim.requestsTo('create');
		const polls = sim.requestsTo('get');
		return clock.at(polls[polls.length - 1].at) - clock.at(create.at);
	};

	describe('input sources', () => {
		it('submits a URL task, waits, and downloads the WAV without sending the key to the file host', async () => {
			const result = await runFreepik(sim, isolateFromUrl());
			const { items, error } = result;
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			const [item] = items;
			expect(item.json.status).toBe('COMPLETED');
			expect(item.json.task_id).toMatch(/^[0-9a-f-]{36}$/);
			expect(item.json.data).toBeUndefined();
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.binary!.data.mimeType).toBe('audio/wav');
			expect(item.binary!.data.fileName).toBe('interview-isolated.wav');
			const wav = await readBinary(item.binary!.data);
			expect(describeWav(wav)).not.toBeNull();
			expect(wav.length).toBe(RESULT_WAV_BYTES);

			const [create] = sim.requestsTo('create');
			expect(create.headers['x-freepik-api-key']).toBe(API_KEY);
			expect(create.body).toEqual({
				description: 'A person speaking',
				audio: 'https://example.com/interview.mp3',
			});
			expect(create.input).toMatchObject({
				field: 'audio',
				kind: 'url',
				url: 'https://example.com/interview.mp3',
			});
			const downloads = sim.requestsTo('download');
			expect(downloads).toHaveLength(1);
			expect(downloads[0].headers['x-freepik-api-key']).toBeUndefined();
			expectNoKeyLeak(sim, result);
		});

		it.each(['default', 'filesystem'] as const)(
			'sends a binary input file as base64 that decodes to exactly the file (%s binary mode)',
			async (binaryMode) => {
				const file = sampleFile();
				const { items, error } = await runFreepik(
					sim,
					isolateFromUrl({ inputSource: 'binary', binaryPropertyName: 'data', url: undefined }),
					{ items: [{ json: {}, binary: { data: mp3(file) } }], binaryMode },
				);
				expect(error).toBeUndefined();
				const [create] = sim.requestsTo('create');
				expect(create.input).toEqual({
					field: 'audio',
					kind: 'base64',
					length: Math.ceil(file.length / 3) * 4,
					bytes: file.length,
					sha256: sha256(file),
				});
				// Nothing else rides along with the file (the recorded body reduces the long base64 string).
				expect(create.body).toEqual({
					description: 'A person speaking',
					audioLength: Math.ceil(file.length / 3) * 4,
					audioBytes: file.length,
					audioSha256: sha256(file),
				});
				expect(items).toHaveLength(1);
				expect(items[0].json.status).toBe('COMPLETED');
				const output = items[0].binary!.data;
				if (binaryMode === 'filesystem')
					expect(output.id).toEqual(expect.stringMatching(/^filesystem/));
				expect((await readBinary(output)).length).toBe(RESULT_WAV_BYTES);
			},
		);

		it('reads the file from the configured input binary field', async () => {
			const file = sampleFile(4096);
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({
					inputSource: 'binary',
					binaryPropertyName: 'recording',
					waitForCompletion: false,
				}),
				{
					items: [
						{ json: {}, binary: { data: mp3(sampleFile(10), 'other.mp3'), recording: mp3(file) } },
					],
				},
			);
			expect(error).toBeUndefined();
			expect(sim.requestsTo('create')[0].input).toMatchObject({
				field: 'audio',
				bytes: file.length,
				sha256: sha256(file),
			});
		});

		it('accepts a generic MIME type when the file extension is a supported format', async () => {
			const file = sampleFile(4096);
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({ inputType: 'video', inputSource: 'binary', waitForCompletion: false }),
				{
					items: [
						{
							json: {},
							binary: {
								data: { data: file, fileName: 'clip.mov', mimeType: 'application/octet-stream' },
							},
						},
					],
				},
			);
			expect(error).toBeUndefined();
			expect(sim.requestsTo('create')[0].input).toMatchObject({
				field: 'video',
				kind: 'base64',
				sha256: sha256(file),
			});
		});

		it('sends plain base64 text as given', async () => {
			const file = sampleFile(3000);
			const { items, error } = await runFreepik(
				sim,
				isolateFromUrl({
					inputSource: 'base64',
					base64Data: file.toString('base64'),
					waitForCompletion: false,
				}),
			);
			expect(error).toBeUndefined();
			expect(items[0].json.status).toBe('CREATED');
			const [create] = sim.requestsTo('create');
			expect(create.status).toBe(200);
			expect(create.body).toEqual({
				description: 'A person speaking',
				audio: file.toString('base64'),
			});
			expect(create.input).toMatchObject({
				kind: 'base64',
				bytes: file.length,
				sha256: sha256(file),
			});
		});

		it('strips a data: URI prefix and line breaks before sending base64', async () => {
			const file = sampleFile(3001);
			const wrapped = file.toString('base64').replace(/(.{76})/g, '$1\n');
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({
					inputSource: 'base64',
					base64Data: `data:audio/wav;base64,${wrapped}`,
					waitForCompletion: false,
				}),
			);
			expect(error).toBeUndefined();
			const [create] = sim.requestsTo('create');
			expect(create.status).toBe(200);
			expect(create.body).toEqual({
				description: 'A person speaking',
				audio: file.toString('base64'),
			});
			expect(create.input).toMatchObject({ bytes: file.length, sha256: sha256(file) });
		});

		it('converts URL-safe, unpadded base64 into the standard alphabet Freepik accepts', async () => {
			// 0xfb 0xff 0xfe encodes to "+//+" (standard) / "-__-" (URL-safe); 4 more bytes force padding.
			const file = Buffer.from([0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0x01]);
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({
					inputSource: 'base64',
					base64Data: file.toString('base64url'),
					waitForCompletion: false,
				}),
			);
			expect(error).toBeUndefined();
			const [create] = sim.requestsTo('create');
			expect(create.status).toBe(200);
			expect(create.body).toMatchObject({ audio: file.toString('base64') });
			expect(create.input).toMatchObject({ bytes: file.length, sha256: sha256(file) });
		});
	});

	describe('request body', () => {
		it('sends every video option in snake_case, exactly as set', async () => {
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({
					inputType: 'video',
					url: 'https://example.com/concert.mp4',
					waitForCompletion: false,
					options: {
						x1: 10,
						y1: 20,
						x2: 330,
						y2: 260,
						sampleFps: 3,
						rerankingCandidates: 4,
						predictSpans: true,
						webhookUrl: 'https://n8n.example.com/webhook/abc/freepik',
					},
				}),
			);
			expect(error).toBeUndefined();
			const [create] = sim.requestsTo('create');
			expect(create.status).toBe(200);
			expect(create.body).toEqual({
				description: 'A person speaking',
				video: 'https://example.com/concert.mp4',
				x1: 10,
				y1: 20,
				x2: 330,
				y2: 260,
				sample_fps: 3,
				reranking_candidates: 4,
				predict_spans: true,
				webhook_url: 'https://n8n.example.com/webhook/abc/freepik',
			});
		});

		it('sends only the options the user set, and none of the node-only options', async () => {
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({
					waitForCompletion: false,
					options: {
						predictSpans: false,
						rerankingCandidates: 1,
						maxWaitTime: 30,
						outputBinaryPropertyName: 'isolated',
					},
					tuning: { maxTasksInFlight: 3, requestTimeout: 20 },
				}),
			);
			expect(error).toBeUndefined();
			expect(sim.requestsTo('create')[0].body).toEqual({
				description: 'A person speaking',
				audio: 'https://example.com/interview.mp3',
				predict_spans: false,
				reranking_candidates: 1,
			});
		});

		it('accepts a bounding box starting at 0 and sends the zeros', async () => {
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({
					inputType: 'video',
					url: 'https://example.com/a.webm',
					waitForCompletion: false,
					options: { x1: 0, y1: 0, x2: 1, y2: 1 },
				}),
			);
			expect(error).toBeUndefined();
			expect(sim.requestsTo('create')[0].body).toEqual({
				description: 'A person speaking',
				video: 'https://example.com/a.webm',
				x1: 0,
				y1: 0,
				x2: 1,
				y2: 1,
			});
		});

		it.each([
			['all four zero', { x1: 0, y1: 0, x2: 0, y2: 0 }],
			['only X1 added, left at 0', { x1: 0 }],
			['zeros typed as text', { x1: '0', y1: '0', x2: '0', y2: '0' }],
		])('takes a bounding box of %s as the full frame and sends no box', async (_label, box) => {
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({
					inputType: 'video',
					url: 'https://example.com/a.webm',
					waitForCompletion: false,
					options: box,
				}),
			);
			expect(error).toBeUndefined();
			expect(sim.requestsTo('create')[0].body).toEqual({
				description: 'A person speaking',
				video: 'https://example.com/a.webm',
			});
		});

		it('sends a description of exactly 2500 characters', async () => {
			const description = 'a'.repeat(2500);
			const { error } = await runFreepik(
				sim,
				isolateFromUrl({ description, waitForCompletion: false }),
			);
			expect(error).toBeUndefined();
			expect(sim.requestsTo('create')[0]).toMatchObject({ status: 200, body: { description } });
		});
	});

	describe('waiting and output', () => {
		it('returns the CREATED task without polling when Wait for Completion is off', async () => {
			const { items, error } = await runFreepik(sim, isolateFromUrl({ waitForCompletion: false }));
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			expect(items[0].json).toEqual({
				task_id: createdTaskIds(sim)[0],
				status: 'CREATED',
				generated: [],
			});
			expect(items[0].binary).toBeUndefined();
			expect(items[0].pairedItem).toEqual({ item: 0 });
			expect(sim.stats().gets).toBe(0);
			expect(sim.stats().downloads).toBe(0);
			expect(sim.stats().creates).toBe(1);
		});

		it('outputs the task object itself (no data wrapper) as Freepik reports it when done', async () => {
			const { items } = await runFreepik(sim, isolateFromUrl({ downloadResult: false }));
			const [id] = createdTaskIds(sim);
			expect(items[0].json).toEqual({
				task_id: id,
				status: 'COMPLETED',
				generated: sim.taskView(id)!.generated,
			});
			expect(items[0].json.generated).toHaveLength(1);
			expect(items[0].json.generated[0].startsWith(sim.fileUrl)).toBe(true);
		});

		it('gives no binary and downloads nothing when Download Result is off', async () => {
			const { items, error } = await runFreepik(sim, isolateFromUrl({ downloadResult: false }));
			expect(error).toBeUndefined();
			expect(items[0].json.status).toBe('COMPLETED');
			expect(items[0].binary).toBeUndefined();
			expect(sim.stats().downloads).toBe(0);
		});

		it('puts a second result into <name>_1', async () => {
			const { items, error } = await runFreepik(
				sim,
				isolateFromUrl({ description: 'A person speaking [sim:results=2]' }),
			);
			expect(error).toBeUndefined();
			const id = items[0].json.task_id;
			const binary = items[0].binary!;
			expect(Object.keys(binary).sort()).toEqual(['data', 'data_1']);
			expect(sim.stats().downloads).toBe(2);
			expect(id).toEqual(expect.any(String));
			// Named after the input (interview.mp3); helpers/resultNames.test.ts covers the rules.
			expect(binary.data).toMatchObject({
				mimeType: 'audio/wav',
				fileName: 'interview-isolated.wav',
			});
			expect(binary.data_1).toMatchObject({
				mimeType: 'audio/wav',
				fileName: 'interview-isolated_1.wav',
			});
			const [first, second] = await Promise.all([
				readBinary(binary.data),
				readBinary(binary.data_1),
			]);
			expect(describeWav(first)).not.toBeNull();
			expect(describeWav(second)).not.toBeNull();
			// Result 1 in data, result 2 in data_1, as the file host serves them.
			const served = async (index: number) =>
				Buffer.from(await (await fetch(sim.taskView(id)!.generated[index])).arrayBuffer());
			expect(first.equals(await served(0))).toBe(true);
			expect(second.equals(await served(1))).toBe(true);
		});

		it('writes results into a custom output binary field', async () => {
			const { items } = await runFreepik(
				sim,
				isolateFromUrl({
					description: 'A person speaking [sim:results=2]',
					options: { outputBinaryPropertyName: 'isolated' },
				}),
			);
			expect(Object.keys(items[0].binary!).sort()).toEqual(['isolated', 'isolated_1']);
			expect(items[0].binary!.isolated.fileName).toBe('interview-isolated.wav');
		});

		it('keeps no input binary on the output item', async () => {
			const { items } = await runFreepik(
				sim,
				isolateFromUrl({ inputSource: 'binary', options: { outputBinaryPropertyName: 'out' } }),
				{
					items: [{ json: {}, binary: { data: mp3(sampleFile(100)) } }],
				},
			);
			expect(Object.keys(items[0].binary!)).toEqual(['out']);
		});
	});

	describe('tasks that do not complete', () => {
		it('raises an error naming the task when Freepik reports FAILED', async () => {
			const result = await runFreepik(
				sim,
				isolateFromUrl({ description: 'A person speaking [sim:fail]' }),
			);
			const error = errorOf(result);
			const [id] = createdTaskIds(sim);
			expect(error.message).toContain(id);
			expect(error.message).toContain('FAILED');
			expect(error.description).toContain(id);
			expect(sim.stats().downloads).toBe(0);
			expectNoKeyLeak(sim, result);
		});

		it('gives up after Max Wait Time with the task ID and last status', async () => {
			const result = await runFreepik(
				sim,
				isolateFromUrl({
					description: 'A person speaking [sim:never]',
					options: { maxWaitTime: 2, pollInterval: 1 },
				}),
			);
			const error = errorOf(result);
			const [id] = createdTaskIds(sim);
			expect(error.message).toContain(id);
			expect(error.message).toContain('last status: IN_PROGRESS');
			expect(error.description).toContain(id);
			// Not before Max Wait Time: the last poll came 2 s (node's clock) after the create or later.
			expect(lastPollAfterCreateMs()).toBeGreaterThanOrEqual(2000);
			// Not long after it either: polls stop at Max Wait Time (1 s Poll Interval: at most 3).
			expect(sim.stats().gets).toBeGreaterThanOrEqual(1);
			expect(sim.stats().gets).toBeLessThanOrEqual(3);
		});

		it('keeps waiting on an undocumented status until Max Wait Time, then reports it', async () => {
			const result = await runFreepik(
				sim,
				isolateFromUrl({
					description: 'A person speaking [sim:status=WEIRD] [sim:duration=20]',
					options: { maxWaitTime: 2, pollInterval: 1 },
				}),
			);
			const error = errorOf(result);
			const [id] = createdTaskIds(sim);
			expect(error.message).toContain(id);
			expect(error.message).toContain('last status: WEIRD');
			expect(lastPollAfterCreateMs()).toBeGreaterThanOrEqual(2000);
			expect(sim.requestsTo('get').filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(
				1,
			);
			expect(sim.stats().downloads).toBe(0);
		});

		it('with Continue On Fail turns FAILED and timed-out tasks into {task_id, status, error} items', async () => {
			const { items, error } = await runFreepik(
				sim,
				isolateFromUrl({
					description: perItemDescription,
					options: { maxWaitTime: 2, pollInterval: 1 },
				}),
				{
					items: itemsWith('voice [sim:fail]', 'voice [sim:never]', 'voice [sim:status=WEIRD]'),
					continueOnFail: true,
				},
			);
			expect(error).toBeUndefined();
			const ids = createdTaskIds(sim);
			const byDescription = new Map([...sim.tasks.values()].map((t) => [t.body.description, t.id]));
			expect(ids).toHaveLength(3);
			expect(items).toHaveLength(3);
			expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(items[0].json).toMatchObject({
				task_id: byDescription.get('voice [sim:fail]'),
				status: 'FAILED',
			});
			expect(items[0].json.error).toContain(items[0].json.task_id);
			expect(items[1].json).toMatchObject({
				task_id: byDescription.get('voice [sim:never]'),
				status: 'IN_PROGRESS',
			});
			expect(items[1].json.error).toMatch(/did not finish/);
			expect(items[2].json).toMatchObject({
				task_id: byDescription.get('voice [sim:status=WEIRD]'),
				status: 'WEIRD',
			});
			for (const item of items) {
				expect(Object.keys(item.json)).toEqual(
					expect.arrayContaining(['task_id', 'status', 'error']),
				);
				expect(item.binary).toBeUndefined();
			}
		});
	});

	it('stops waiting promptly when the execution is cancelled', async () => {
		// Cancelled once the node has polled the task: it is waiting, with a Max Wait Time of 1 h (6 min
		// of real time: a node deaf to the cancel could not end within the time waited for below).
		const logsBefore = capturedLogs.length;
		const result = await runFreepik(
			sim,
			isolateFromUrl({
				description: 'A person speaking [sim:never]',
				options: { maxWaitTime: 3600, pollInterval: 1 },
			}),
			{ cancelWhen: () => sim.stats().gets >= 1 },
		);
		expect(result.status).toBe('canceled');
		expect(result.items).toHaveLength(0);
		// n8n reports the cancel at once; the node ends when its waiting engine says so.
		await waitFor(() =>
			capturedLogs.slice(logsBefore).some((l) => /execution cancelled/.test(l.message)),
		);
		// Ended means ended: no poll reaches the API afterwards.
		const polls = sim.stats().gets;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(sim.stats().gets).toBe(polls);
		expect(sim.stats().creates).toBe(1);
	});
});
