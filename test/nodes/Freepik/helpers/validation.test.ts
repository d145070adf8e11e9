/**
 * Every validation rule, run through the node in n8n: each must name the field and the rule, and
 * must stop the item before anything reaches Freepik (the simulator sees zero requests).
 */
import type { Simulator } from '../../../../simulator';
import {
	isolateFromUrl,
	runFreepik,
	startSimulator,
	type RunOptions,
} from '../../../helpers/freepik';
import { unreachableUrlReason } from '../../../../nodes/Freepik/helpers/validation';
import { errorOf, itemsWith, mp3, perItemDescription, sampleFile } from '../utils';

type Case = [
	title: string,
	parameters: Record<string, unknown>,
	expected: RegExp,
	run?: RunOptions,
];

const video = (options: Record<string, unknown>) =>
	isolateFromUrl({ inputType: 'video', url: 'https://example.com/clip.mp4', options });
const binaryCase = (
	title: string,
	file: { data: Buffer; fileName: string; mimeType: string },
	expected: RegExp,
	extra: Record<string, unknown> = {},
): Case => [
	title,
	isolateFromUrl({ inputSource: 'binary', binaryPropertyName: 'data', ...extra }),
	expected,
	{ items: [{ json: {}, binary: { data: file } }] },
];
const base64 = (base64Data: string, extra: Record<string, unknown> = {}) =>
	isolateFromUrl({ inputSource: 'base64', base64Data, ...extra });
const get = (taskId: unknown, extra: Record<string, unknown> = {}) => ({
	operation: 'get',
	taskId,
	...extra,
});

const isolateCases: Case[] = [
	[
		'empty description (from an expression)',
		isolateFromUrl({ description: '={{ "" }}' }),
		/"Sound to Isolate": must not be empty/,
	],
	[
		'blank description',
		isolateFromUrl({ description: '   ' }),
		/"Sound to Isolate": must not be empty/,
	],
	[
		'description over 2500 characters',
		isolateFromUrl({ description: 'a'.repeat(2501) }),
		/"Sound to Isolate": is 2501 characters long; the limit is 2500/,
	],
	[
		'missing URL (from an expression)',
		isolateFromUrl({ url: '={{ $json.nothing }}' }),
		/"File URL": must not be empty/,
	],
	[
		'http:// URL',
		isolateFromUrl({ url: 'http://example.com/a.mp3' }),
		/"File URL": must be a public https:\/\/ URL/,
	],
	[
		'ftp:// URL',
		isolateFromUrl({ url: 'ftp://example.com/a.mp3' }),
		/"File URL": must be a public https:\/\/ URL/,
	],
	['not a URL', isolateFromUrl({ url: 'example.com/a.mp3' }), /"File URL": is not a valid URL/],
	[
		'a video link (.mp4) with Input Type Audio',
		isolateFromUrl({ url: 'https://example.com/clips/talk.MP4?sig=1' }),
		/"File URL": the link ends in \.mp4, a video format, but Input Type is Audio/,
	],
	[
		'an audio link (.wav) with Input Type Video',
		isolateFromUrl({ inputType: 'video', url: 'https://example.com/talk.wav' }),
		/"File URL": the link ends in \.wav, an? audio format, but Input Type is Video/,
	],
	binaryCase(
		'text/plain binary',
		{ data: Buffer.from('hello'), fileName: 'notes.txt', mimeType: 'text/plain' },
		/"Input Binary Field": .*text\/plain.*notes\.txt.*not a supported audio format/,
	),
	binaryCase(
		'.mp4 binary for audio input',
		{ data: sampleFile(64), fileName: 'clip.mp4', mimeType: 'video/mp4' },
		/"Input Binary Field": .*clip\.mp4.*not a supported audio format/,
	),
	binaryCase(
		'.txt with a generic MIME type',
		{ data: Buffer.from('hello'), fileName: 'notes.txt', mimeType: 'application/octet-stream' },
		/"Input Binary Field": .*notes\.txt.*not a supported audio format/,
	),
	binaryCase(
		'.mp3 binary for video input',
		mp3(sampleFile(64)),
		/"Input Binary Field": .*not a supported video format/,
		{ inputType: 'video' },
	),
	[
		'data: URI of a video for audio input',
		base64(`data:video/mp4;base64,${sampleFile(30).toString('base64')}`),
		/"Base64 Data": .*video\/mp4.*not a supported audio format/,
	],
	[
		'missing binary property',
		isolateFromUrl({ inputSource: 'binary', binaryPropertyName: 'data' }),
		/"Input Binary Field": the input item has no binary field "data" \(it has no binary data\)/,
		{ items: [{ json: {} }] },
	],
	[
		'binary property under another name',
		isolateFromUrl({ inputSource: 'binary', binaryPropertyName: 'audio' }),
		/"Input Binary Field": the input item has no binary field "audio" \(it has: data\)/,
		{ items: [{ json: {}, binary: { data: mp3(sampleFile(64)) } }] },
	],
	[
		'bounding box x2 = x1',
		video({ x1: 10, y1: 0, x2: 10, y2: 5 }),
		/"Bounding Box X2": must be greater than X1 \(x1=10, x2=10\)/,
	],
	[
		'bounding box x2 < x1',
		video({ x1: 10, y1: 0, x2: 4, y2: 5 }),
		/"Bounding Box X2": must be greater than X1/,
	],
	[
		'bounding box y2 = y1',
		video({ x1: 0, y1: 7, x2: 5, y2: 7 }),
		/"Bounding Box Y2": must be greater than Y1 \(y1=7, y2=7\)/,
	],
	[
		'bounding box y2 < y1',
		video({ x1: 0, y1: 7, x2: 5, y2: 3 }),
		/"Bounding Box Y2": must be greater than Y1/,
	],
	[
		'negative bounding box x1',
		video({ x1: -1, y1: 0, x2: 5, y2: 5 }),
		/"Bounding Box X1": must be between 0 and .*got -1/,
	],
	[
		'negative bounding box y2',
		video({ x1: 0, y1: 0, x2: 5, y2: -5 }),
		/"Bounding Box Y2": must be between 0 and .*got -5/,
	],
	[
		'fractional bounding box',
		video({ x1: 0.5, y1: 0, x2: 5, y2: 5 }),
		/"Bounding Box X1": must be a whole number/,
	],
	[
		'partial bounding box',
		video({ x1: 0, y1: 0, x2: 5 }),
		/"Bounding Box": set all four of X1, Y1, X2, Y2 \(missing Y2\)/,
	],
	// Input Type from an expression: n8n keeps the video-only options, so the node must check them.
	[
		'bounding box with audio input',
		isolateFromUrl({ inputType: '={{ $json.kind }}', options: { x1: 0, y1: 0, x2: 5, y2: 5 } }),
		/"Bounding Box": only applies to video input/,
		{ items: [{ json: { kind: 'audio' } }] },
	],
	[
		'sample FPS with audio input',
		isolateFromUrl({ inputType: '={{ $json.kind }}', options: { sampleFps: 2 } }),
		/"Frame Sample Rate \(FPS\)": only applies to video input/,
		{ items: [{ json: { kind: 'audio' } }] },
	],
	[
		'unknown input type',
		isolateFromUrl({ inputType: '={{ $json.kind }}' }),
		/"Input Type": must be "audio" or "video"/,
		{ items: [{ json: { kind: 'image' } }] },
	],
	[
		'sample FPS 0',
		video({ sampleFps: 0 }),
		/"Frame Sample Rate \(FPS\)": must be between 1 and 5, got 0/,
	],
	[
		'sample FPS 6',
		video({ sampleFps: 6 }),
		/"Frame Sample Rate \(FPS\)": must be between 1 and 5, got 6/,
	],
	[
		'reranking candidates 0',
		isolateFromUrl({ options: { rerankingCandidates: 0 } }),
		/"Reranking Candidates": must be between 1 and 8, got 0/,
	],
	[
		'reranking candidates 9',
		isolateFromUrl({ options: { rerankingCandidates: 9 } }),
		/"Reranking Candidates": must be between 1 and 8, got 9/,
	],
	[
		'reranking candidates 1.5',
		isolateFromUrl({ options: { rerankingCandidates: 1.5 } }),
		/"Reranking Candidates": must be a whole number, got 1.5/,
	],
	[
		'poll interval 0',
		isolateFromUrl({ options: { pollInterval: 0 } }),
		/"Poll Interval \(Seconds\)": must be between 1 and 3600, got 0/,
	],
	[
		'max wait time 0',
		isolateFromUrl({ options: { maxWaitTime: 0 } }),
		/"Max Wait Time \(Seconds\)": must be between 1 and 86400, got 0/,
	],
	[
		'webhook URL that is not a URL',
		isolateFromUrl({ options: { webhookUrl: 'n8n/webhook' } }),
		/"Webhook URL": must be an http\(s\) URL/,
	],
	[
		'non-numeric reranking candidates',
		isolateFromUrl({ options: { rerankingCandidates: '={{ "many" }}' } }),
		/"Reranking Candidates": must be a number/,
	],
	['invalid base64 characters', base64('not base64!!'), /"Base64 Data": is not valid base64/],
	['base64 of impossible length', base64('QUJDR'), /"Base64 Data": is not valid base64/],
	['base64 with misplaced padding', base64('QQ=A'), /"Base64 Data": is not valid base64/],
	['base64 with wrong padding', base64('QQ='), /"Base64 Data": is not valid base64/],
	[
		'data: URI without base64',
		base64('data:audio/wav,hello'),
		/"Base64 Data": is not valid base64/,
	],
	['empty base64 (from an expression)', base64('={{ "" }}'), /"Base64 Data": must not be empty/],
];

const getCases: Case[] = [
	[
		'empty task ID (from an expression)',
		get('={{ $json.nothing }}'),
		/"Task ID": must not be empty/,
	],
	['blank task ID', get('   '), /"Task ID": must not be empty/],
	[
		'task ID with a path',
		get('abc/../../other'),
		/"Task ID": contains characters a task ID never has/,
	],
	[
		'poll interval 0 while waiting',
		get('046b6c7f-0b8a-43b9-b35d-6489e6daee91', {
			waitForCompletion: true,
			options: { pollInterval: 0 },
		}),
		/"Poll Interval \(Seconds\)": must be between 1 and 3600/,
	],
	[
		'max wait time 0 while waiting',
		get('046b6c7f-0b8a-43b9-b35d-6489e6daee91', {
			waitForCompletion: true,
			options: { maxWaitTime: 0 },
		}),
		/"Max Wait Time \(Seconds\)": must be between 1 and 86400/,
	],
];

const getAllCases: Case[] = [
	[
		'limit 0',
		{ operation: 'getAll', returnAll: false, limit: 0 },
		/"Limit": must be between 1 and/,
	],
	[
		'fractional limit',
		{ operation: 'getAll', returnAll: false, limit: 2.5 },
		/"Limit": must be a whole number/,
	],
];

describe('validation', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	describe.each([
		['Isolate', isolateCases],
		['Get', getCases],
		['Get Many', getAllCases],
	])('%s', (_operation, cases) => {
		const rows = cases.map(([title, parameters, expected, run]) => ({
			title,
			parameters,
			expected,
			run,
		}));
		it.each(rows)(
			'rejects $title before sending anything',
			async ({ parameters, expected, run }) => {
				const result = await runFreepik(sim, parameters, run);
				const error = errorOf(result);
				expect(error.name).toBe('NodeOperationError');
				expect(error.message).toMatch(expected);
				// Said once: what is wrong in the message, what to do next in the description.
				expect(error.message).not.toMatch(/Nothing was sent/);
				expect(error.description).toMatch(/^Nothing was sent to Freepik; .+ and run again\.$/);
				expect(result.items).toHaveLength(0);
				expect(sim.requests).toHaveLength(0);
			},
		);
	});

	describe('required fields left empty', () => {
		it.each([
			['Sound to Isolate', isolateFromUrl({ description: '' })],
			['File URL', isolateFromUrl({ url: '' })],
			['Base64 Data', base64('')],
			['Task ID', get('')],
		])('n8n refuses to run with an empty "%s" and nothing is sent', async (field, parameters) => {
			await expect(runFreepik(sim, parameters)).rejects.toThrow(
				new RegExp(`Parameter "${field.replace(/[()]/g, '\\$&')}" is required`),
			);
			expect(sim.requests).toHaveLength(0);
		});
	});

	it('validates the whole batch before the first request: one bad item sends nothing', async () => {
		const result = await runFreepik(sim, isolateFromUrl({ description: perItemDescription }), {
			items: itemsWith('A person speaking', 'The guitar', ''),
		});
		const error = errorOf(result);
		expect(error.message).toMatch(/"Sound to Isolate": must not be empty/);
		expect(error.description).toContain('item 2');
		expect(sim.requests).toHaveLength(0);
	});

	it('with Continue On Fail turns invalid items into error items and still runs the valid ones', async () => {
		const { items, error } = await runFreepik(
			sim,
			isolateFromUrl({ description: perItemDescription, waitForCompletion: false }),
			{
				items: itemsWith('A person speaking', '', 'The guitar', 'x'.repeat(2600)),
				continueOnFail: true,
			},
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(4);
		expect(items.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(items[0].json).toMatchObject({ status: 'CREATED' });
		expect(String(items[1].json.error)).toMatch(/"Sound to Isolate": must not be empty/);
		expect(items[1].json.task_id).toBeUndefined();
		expect(items[2].json).toMatchObject({ status: 'CREATED' });
		expect(items[3].json.error).toBe(
			'Invalid "Sound to Isolate": is 2600 characters long; the limit is 2500',
		);
		expect(items[3].json.errorDescription).toBe(
			'Nothing was sent to Freepik; shorten it to at most 2500 characters (name just the sound to keep) (item 3) and run again.',
		);
		expect(sim.stats().creates).toBe(2);
		expect(
			sim.requestsTo('create').map((r) => (r.body as { description: string }).description),
		).toEqual(['A person speaking', 'The guitar']);
	});

	it('never sends video-only options for audio input, even when a workflow still holds them', async () => {
		// A static Input Type hides the video-only options; n8n drops them and the node sends none.
		const { items, error } = await runFreepik(
			sim,
			isolateFromUrl({
				waitForCompletion: false,
				options: { x1: 0, y1: 0, x2: 5, y2: 5, sampleFps: 3, predictSpans: true },
			}),
		);
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('CREATED');
		expect(sim.requestsTo('create')[0].body).toEqual({
			description: 'A person speaking',
			audio: 'https://example.com/interview.mp3',
			predict_spans: true,
		});
	});

	it('counts description length in characters, as Freepik does (an emoji is one character)', async () => {
		const description = '🎸'.repeat(2500);
		const { error } = await runFreepik(
			sim,
			isolateFromUrl({ description, waitForCompletion: false }),
		);
		expect(error).toBeUndefined();
		expect(sim.requestsTo('create')[0].status).toBe(200);
	});
});

describe('File URL hosts written as IPv6 addresses', () => {
	it.each<[string, string | null]>([
		['https://[2001:db8:1:2:3:4:5:6]/a.mp3', null],
		['https://[2606:4700::1111]/a.mp3', null],
		['https://[0:0:0:0:0:0:0:1]/a.mp3', 'points to this machine (loopback address [::1])'],
		['https://[::]/a.mp3', 'is not a reachable address ([::])'],
		['https://[::127.0.0.1]/a.mp3', 'points to this machine (loopback address [::7f00:1])'],
		['https://[::10.1.2.3]/a.mp3', 'points to a private network address ([::a01:203])'],
		['https://[::ffff:8.8.8.8]/a.mp3', null],
	])('%s: %s', (url, reason) => {
		expect(unreachableUrlReason(new URL(url))).toBe(reason);
	});
});
