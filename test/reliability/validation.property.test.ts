/**
 * Property-based tests of the Isolate parameters, run through the real node (n8n's engine) against
 * the simulator:
 *  - a valid parameter set sends exactly one create whose JSON body is exactly the one computed here,
 *    independently of the node's code, from the API reference (snake_case fields, only the options
 *    the user set, trimmed text, standard padded base64);
 *  - a parameter set with one invalid value sends nothing at all and fails with an n8n error that
 *    names the field (or, with Continue On Fail, an error item naming it);
 *  - in a batch, one invalid item stops the whole batch before its first request.
 */
import * as fc from 'fast-check';

import { SUPPORTED_FORMATS } from '../../nodes/Freepik/helpers/binary';
import { runFreepik, startSimulator } from '../helpers/freepik';
import type { Simulator } from '../../simulator';
import { leakFigures } from './leak-collector';
import { recordSuiteFigures } from './figures';
import { collector, useFastRetries } from './support';

const NUM_RUNS = Number(process.env.RELIABILITY_NUM_RUNS ?? 150);
// The budget is the count of runs, not time: each property runs the node NUM_RUNS times, bounded work
// that takes seconds when idle and minutes on two cores kept busy, so time alone fails no property.
jest.setTimeout(10 * 60_000);

type InputType = 'audio' | 'video';
type Source = 'url' | 'base64' | 'binary';
type BinaryFile = { data: Buffer; fileName: string; mimeType: string };

interface Sample {
	parameters: Record<string, unknown>;
	binary?: Record<string, BinaryFile>;
	/** Valid samples: the exact create body Freepik must receive. */
	expectedBody?: Record<string, unknown>;
	/** Invalid samples: the field the error must name, and what was broken. */
	field?: RegExp;
	defect?: string;
	batchLevel?: boolean;
}

// ----------------------------------------------------------------------------- valid parameter sets

const whitespace = fc.constantFrom('', ' ', '  ', '\t', '\n', ' \n ');
const padded = (text: fc.Arbitrary<string>) =>
	fc.tuple(whitespace, text, whitespace).map(([a, t, b]) => `${a}${t}${b}`);
/** Characters as Freepik counts them (code points). */
const codePoints = (text: string) => [...text].length;

const descriptionArb = padded(
	fc.oneof(
		{ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
		{ weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
		{ weight: 1, arbitrary: fc.integer({ min: 2400, max: 2500 }).map((n) => 'a'.repeat(n)) },
		// 2500 emoji are 5000 UTF-16 units but 2500 characters: still valid.
		{ weight: 1, arbitrary: fc.integer({ min: 2000, max: 2500 }).map((n) => '🎸'.repeat(n)) },
	),
)
	// A stored parameter value starting with "=" is an n8n expression, not text.
	.filter((d) => d.trim().length > 0 && codePoints(d.trim()) <= 2500 && !d.startsWith('='));

const httpsUrlArb = fc.webUrl({
	validSchemes: ['https'],
	withQueryParameters: true,
	withFragments: true,
});
const webhookArb = fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true });
const bytesArb = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((a) => Buffer.from(a));

/** Base64 as users may paste it: standard or URL-safe, padded or not, wrapped, maybe a data: URI. */
function base64Arb(inputType: InputType) {
	return fc
		.record({
			bytes: bytesArb,
			urlSafe: fc.boolean(),
			unpadded: fc.boolean(),
			wrapAt: fc.option(fc.constantFrom(4, 16, 76)),
			mime: fc.option(fc.constantFrom(...SUPPORTED_FORMATS[inputType].mimeTypes, '')),
		})
		.map(({ bytes, urlSafe, unpadded, wrapAt, mime }) => {
			let text = bytes.toString('base64');
			if (urlSafe) text = text.replace(/\+/g, '-').replace(/\//g, '_');
			if (unpadded) text = text.replace(/=+$/, '');
			if (wrapAt) text = text.replace(new RegExp(`(.{${wrapAt}})`, 'g'), '$1\n');
			if (mime !== null) text = `data:${mime};base64,${text}`;
			return { value: text, expected: bytes.toString('base64') };
		});
}

function binaryArb(inputType: InputType) {
	const { extensions, mimeTypes } = SUPPORTED_FORMATS[inputType];
	return fc.record({
		bytes: bytesArb,
		name: fc.constantFrom('data', 'file', 'audio_1'),
		spaces: fc.boolean(),
		// A known MIME type, or a generic one with a known extension.
		format: fc.oneof(
			fc.record({
				mime: fc.constantFrom(...mimeTypes),
				ext: fc.constantFrom(...extensions, 'bin'),
			}),
			fc.record({
				mime: fc.constantFrom('application/octet-stream'),
				ext: fc.constantFrom(...extensions),
			}),
		),
	});
}

interface Valid {
	inputType: InputType;
	source: Source;
	sample: Sample;
}

const validArb: fc.Arbitrary<Valid> = fc
	.record({
		inputType: fc.constantFrom<InputType>('audio', 'video'),
		source: fc.constantFrom<Source>('url', 'base64', 'binary'),
		description: descriptionArb,
		box: fc.option(
			fc
				.tuple(
					fc.nat(999_000),
					fc.nat(999_000),
					fc.integer({ min: 1, max: 1000 }),
					fc.integer({ min: 1, max: 1000 }),
				)
				.map(([x1, y1, w, h]) => ({ x1, y1, x2: x1 + w, y2: y1 + h })),
		),
		sampleFps: fc.option(fc.integer({ min: 1, max: 5 })),
		reranking: fc.option(
			fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }).map(String)),
		),
		predictSpans: fc.option(fc.boolean()),
		webhook: fc.option(fc.oneof(fc.constant(''), padded(webhookArb))),
		requestTimeout: fc.option(fc.integer({ min: 1, max: 3600 })),
		maxTasksInFlight: fc.option(fc.integer({ min: 1, max: 500 })),
	})
	.chain((r) => {
		const media =
			r.source === 'url'
				? padded(httpsUrlArb).map((url) => ({ kind: 'url' as const, url }))
				: r.source === 'base64'
					? base64Arb(r.inputType).map((b64) => ({ kind: 'base64' as const, b64 }))
					: binaryArb(r.inputType).map((file) => ({ kind: 'binary' as const, file }));
		return media.map((m) => ({ r, m }));
	})
	.map(({ r, m }) => {
		const options: Record<string, unknown> = {};
		if (r.box) Object.assign(options, r.box);
		if (r.sampleFps !== null) options.sampleFps = r.sampleFps;
		if (r.reranking !== null) options.rerankingCandidates = r.reranking;
		if (r.predictSpans !== null) options.predictSpans = r.predictSpans;
		if (r.webhook !== null) options.webhookUrl = r.webhook;
		const tuning: Record<string, unknown> = {};
		if (r.requestTimeout !== null) tuning.requestTimeout = r.requestTimeout;
		if (r.maxTasksInFlight !== null) tuning.maxTasksInFlight = r.maxTasksInFlight;
		const parameters: Record<string, unknown> = {
			operation: 'isolate',
			description: r.description,
			inputType: r.inputType,
			inputSource: r.source,
			waitForCompletion: false,
			options,
			tuning,
		};

		// The expected body, from the API reference: snake_case, only what the user set.
		const body: Record<string, unknown> = { description: r.description.trim() };
		let binary: Sample['binary'];
		if (m.kind === 'url') {
			parameters.url = m.url;
			// Sent normalised, as the URL standard writes it (lower-case scheme and host, %-escapes).
			body[r.inputType] = new URL(m.url.trim()).href;
		} else if (m.kind === 'base64') {
			parameters.base64Data = m.b64.value;
			body[r.inputType] = m.b64.expected;
		} else {
			const { bytes, name, spaces, format } = m.file;
			parameters.binaryPropertyName = spaces ? ` ${name} ` : name;
			binary = { [name]: { data: bytes, fileName: `input.${format.ext}`, mimeType: format.mime } };
			body[r.inputType] = bytes.toString('base64');
		}
		// n8n drops options whose display conditions do not hold: the box and frame rate exist for video only.
		if (r.inputType === 'video' && r.box) Object.assign(body, r.box);
		if (r.inputType === 'video' && r.sampleFps !== null) body.sample_fps = r.sampleFps;
		if (r.reranking !== null) body.reranking_candidates = Number(r.reranking);
		if (r.predictSpans !== null) body.predict_spans = r.predictSpans;
		if (r.webhook) body.webhook_url = r.webhook.trim();
		return {
			inputType: r.inputType,
			source: r.source,
			sample: { parameters, binary, expectedBody: body },
		};
	});

// ----------------------------------------------------------------------------- File URLs Freepik cannot fetch

const octet = fc.integer({ min: 0, max: 255 });
/** IPv4 addresses inside the ranges that are not on the public internet, with the range's name. */
const nonPublicIpv4Arb = fc.oneof(
	fc.tuple(octet, octet, octet).map(([b, c, d]) => `127.${b}.${c}.${d}`),
	fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`),
	fc.tuple(fc.integer({ min: 16, max: 31 }), octet, octet).map(([b, c, d]) => `172.${b}.${c}.${d}`),
	fc.tuple(octet, octet).map(([c, d]) => `192.168.${c}.${d}`),
	fc.tuple(octet, octet).map(([c, d]) => `169.254.${c}.${d}`),
	fc.constant('0.0.0.0'),
);
/** Other spellings of non-public hosts that URL parsers accept. */
const nonPublicHostArb = fc.oneof(
	nonPublicIpv4Arb,
	fc.constantFrom(
		'localhost',
		'LOCALHOST',
		'localhost.',
		'files.localhost',
		'2130706433', // 127.0.0.1 as one number
		'0x7f.1',
		'127.1',
		'0177.0.0.1',
		'[::1]',
		'[0:0:0:0:0:0:0:1]',
		'[::]',
		'[fc00::1]',
		'[fd12:3456:789a::1]',
		'[fe80::1]',
		'[febf::abcd]',
		'[::ffff:127.0.0.1]',
		'[::ffff:192.168.1.20]',
		'[::ffff:a9fe:a9fe]', // 169.254.169.254, the cloud metadata address
	),
);
const urlTailArb = fc
	.tuple(fc.option(fc.integer({ min: 1, max: 65535 })), fc.webPath())
	.map(([port, path]) => `${port === null ? '' : `:${port}`}${path}`);
const unreachableUrlArb = fc.oneof(
	fc.tuple(nonPublicHostArb, urlTailArb).map(([host, tail]) => `https://${host}${tail}`),
	fc
		.tuple(
			fc.constantFrom('alice:hunter2@', 'alice@', ':s3cr3t@', 'a%40b:hunter2@'),
			fc.domain(),
			urlTailArb,
		)
		.map(([auth, host, tail]) => `https://${auth}${host}${tail}`),
);
/** Public IPv4 addresses just outside the ranges above. */
const publicEdgeIpv4Arb = fc.constantFrom(
	'126.255.255.255',
	'128.0.0.1',
	'9.255.255.255',
	'11.0.0.1',
	'172.15.255.255',
	'172.32.0.1',
	'192.167.255.255',
	'192.169.0.1',
	'169.253.0.1',
	'169.255.0.1',
	'1.0.0.0',
	'8.8.8.8',
);

// ----------------------------------------------------------------------------- one defect each

const SOUND = /Sound to Isolate|Description/;
const BOX = /Bounding Box( X1| Y1| X2| Y2)?/;

type Defect = {
	defect: string;
	field: RegExp;
	apply: (s: Sample) => void;
	when?: (v: Valid) => boolean;
	/** A batch-wide setting (read once, from the first item): the whole node fails, even with Continue On Fail. */
	batchLevel?: boolean;
};

const setOption = (name: string, value: unknown) => (s: Sample) => {
	s.parameters.options = { ...(s.parameters.options as object), [name]: value };
};
const setTuning = (name: string, value: unknown) => (s: Sample) => {
	s.parameters.tuning = { ...(s.parameters.tuning as object), [name]: value };
};
const setParameter = (name: string, value: unknown) => (s: Sample) => {
	s.parameters[name] = value;
};
const isVideo = (v: Valid) => v.inputType === 'video';

const DEFECTS: Defect[] = [
	...['', '   ', '\n\t'].map(
		(d): Defect => ({
			defect: `description ${JSON.stringify(d)}`,
			field: SOUND,
			apply: setParameter('description', d),
		}),
	),
	{
		defect: 'description 2501 characters',
		field: SOUND,
		apply: setParameter('description', 'b'.repeat(2501)),
	},
	{
		defect: 'description 2501 emoji',
		field: SOUND,
		apply: setParameter('description', '🎻'.repeat(2501)),
	},
	{ defect: 'description a number', field: SOUND, apply: setParameter('description', 42) },
	...['image', '', 'Audio'].map(
		(t): Defect => ({
			defect: `inputType ${JSON.stringify(t)}`,
			field: /Input Type/,
			apply: setParameter('inputType', t),
		}),
	),
	{ defect: 'inputSource "ftp"', field: /Input Source/, apply: setParameter('inputSource', 'ftp') },
	...[
		'',
		'  ',
		'http://example.com/a.mp3',
		'not a url',
		'ftp://example.com/a.mp3',
		'file:///etc/passwd',
		'javascript:alert(1)',
		'//example.com/a.mp3',
	].map(
		(url): Defect => ({
			defect: `url ${JSON.stringify(url)}`,
			field: /File URL/,
			when: (v) => v.source === 'url',
			apply: setParameter('url', url),
		}),
	),
	...[
		'',
		'   ',
		'!!!!',
		'AAAAA',
		'AA=',
		'AAAA===',
		'A=AA',
		'QUJD QUJD$',
		'data:audio/wav;base64,',
	].map(
		(b64): Defect => ({
			defect: `base64 ${JSON.stringify(b64)}`,
			field: /Base64 Data/,
			when: (v) => v.source === 'base64',
			apply: setParameter('base64Data', b64),
		}),
	),
	{
		defect: 'base64 data: URI of an unsupported type',
		field: /Base64 Data/,
		when: (v) => v.source === 'base64',
		apply: (s) =>
			(s.parameters.base64Data = `data:${s.parameters.inputType === 'audio' ? 'image/png' : 'audio/wav'};base64,QUJD`),
	},
	...['', '   ', 'missing'].map(
		(name): Defect => ({
			defect: `binary field ${JSON.stringify(name)}`,
			field: /Input Binary Field/,
			when: (v) => v.source === 'binary',
			apply: setParameter('binaryPropertyName', name),
		}),
	),
	{
		defect: 'binary file of an unsupported type',
		field: /Input Binary Field/,
		when: (v) => v.source === 'binary',
		apply: (s) => {
			for (const file of Object.values(s.binary!))
				Object.assign(file, { mimeType: 'image/png', fileName: 'photo.png' });
		},
	},
	{
		defect: 'video file given as audio',
		field: /Input Binary Field/,
		when: (v) => v.source === 'binary' && v.inputType === 'audio',
		apply: (s) => {
			for (const file of Object.values(s.binary!))
				Object.assign(file, { mimeType: 'video/mp4', fileName: 'clip.mp4' });
		},
	},
	{
		defect: 'bounding box with three of four values',
		field: BOX,
		when: isVideo,
		apply: (s) => {
			const o = s.parameters.options as Record<string, unknown>;
			Object.assign(o, { x1: 1, y1: 1, x2: 5, y2: 5 });
			delete o.y2;
		},
	},
	{
		defect: 'bounding box x2 <= x1',
		field: BOX,
		when: isVideo,
		apply: (s) => Object.assign(s.parameters.options as object, { x1: 10, y1: 0, x2: 10, y2: 5 }),
	},
	{
		defect: 'bounding box y2 <= y1',
		field: BOX,
		when: isVideo,
		apply: (s) => Object.assign(s.parameters.options as object, { x1: 0, y1: 9, x2: 5, y2: 3 }),
	},
	{
		defect: 'bounding box negative',
		field: BOX,
		when: isVideo,
		apply: (s) => Object.assign(s.parameters.options as object, { x1: -1, y1: 0, x2: 5, y2: 5 }),
	},
	{
		defect: 'bounding box fractional',
		field: BOX,
		when: isVideo,
		apply: (s) => Object.assign(s.parameters.options as object, { x1: 0, y1: 0, x2: 5.5, y2: 5 }),
	},
	{
		defect: 'bounding box not a number',
		field: BOX,
		when: isVideo,
		apply: (s) =>
			Object.assign(s.parameters.options as object, { x1: 'left', y1: 0, x2: 5, y2: 5 }),
	},
	...[0, 0.5, 2.5, 5.1, 6, -1, 'fast', Number.NaN].map(
		(fps): Defect => ({
			defect: `sampleFps ${String(fps)}`,
			field: /Frame Sample Rate/,
			when: isVideo,
			apply: setOption('sampleFps', fps),
		}),
	),
	...[0, 9, 2.5, -1, 'many', ''].map(
		(n): Defect => ({
			defect: `rerankingCandidates ${JSON.stringify(n)}`,
			field: /Reranking Candidates/,
			apply: setOption('rerankingCandidates', n),
		}),
	),
	...[
		'not a url',
		'ftp://example.com/hook',
		'   ',
		'mailto:someone@example.com',
		'example.com/hook',
	].map(
		(url): Defect => ({
			defect: `webhookUrl ${JSON.stringify(url)}`,
			field: /Webhook URL/,
			apply: setOption('webhookUrl', url),
		}),
	),
	...[0, 3601, 'soon'].map(
		(t): Defect => ({
			defect: `requestTimeout ${JSON.stringify(t)}`,
			field: /Request Timeout/,
			batchLevel: true,
			apply: setTuning('requestTimeout', t),
		}),
	),
	...[0, 501, 1.5].map(
		(n): Defect => ({
			defect: `maxTasksInFlight ${n}`,
			field: /Max Tasks in Flight/,
			batchLevel: true,
			apply: setTuning('maxTasksInFlight', n),
		}),
	),
	...[0, -1].map(
		(n): Defect => ({
			defect: `averageRequestsPerSecond ${n}`,
			field: /Average Requests per Second/,
			batchLevel: true,
			apply: setTuning('averageRequestsPerSecond', n),
		}),
	),
	...[0, 3601].map(
		(n): Defect => ({
			defect: `pollInterval ${n} (waiting)`,
			field: /Poll Interval/,
			apply: (s) => {
				s.parameters.waitForCompletion = true;
				setOption('pollInterval', n)(s);
			},
		}),
	),
	...[0, 86_401].map(
		(n): Defect => ({
			defect: `maxWaitTime ${n} (waiting)`,
			field: /Max Wait Time/,
			apply: (s) => {
				s.parameters.waitForCompletion = true;
				setOption('maxWaitTime', n)(s);
			},
		}),
	),
	{
		defect: 'empty output binary field (waiting, downloading)',
		field: /Put Output File in Field/,
		apply: (s) => {
			Object.assign(s.parameters, { waitForCompletion: true, downloadResult: true });
			setOption('outputBinaryPropertyName', '  ')(s);
		},
	},
];

const invalidArb = validArb.chain((valid) => {
	const applicable = DEFECTS.filter((d) => !d.when || d.when(valid));
	return fc.constantFrom(...applicable).map((d) => {
		const sample: Sample = {
			parameters: {
				...valid.sample.parameters,
				options: { ...(valid.sample.parameters.options as object) },
			},
			binary:
				valid.sample.binary &&
				Object.fromEntries(Object.entries(valid.sample.binary).map(([k, f]) => [k, { ...f }])),
		};
		d.apply(sample);
		return {
			sample: { ...sample, field: d.field, defect: d.defect, batchLevel: d.batchLevel === true },
			valid,
		};
	});
});

// ----------------------------------------------------------------------------- the properties

const tally = {
	invalidInputsTried: 0,
	invalidRejectedBeforeRequest: 0,
	validInputsTried: 0,
	validExactBody: 0,
};

/** fast-check's report, with long strings shortened (a 2500-emoji description would flood the log). */
function compactReporter<Ts>(details: fc.RunDetails<Ts>) {
	if (!details.failed) return;
	const shorten = (_key: string, v: unknown) =>
		typeof v === 'string' && v.length > 80
			? `${v.slice(0, 60)}… (${v.length} chars)`
			: Buffer.isBuffer(v)
				? `<${v.length} bytes>`
				: v;
	const example = JSON.stringify(details.counterexample, shorten, 1);
	const cause = (
		details.errorInstance instanceof Error
			? details.errorInstance.message
			: String(details.errorInstance)
	).replace(/(\p{Extended_Pictographic}|.)\1{20,}/gu, '$1…');
	throw new Error(
		`Property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}")\nCounterexample: ${example}\nCause: ${cause.slice(0, 1500)}`,
	);
}

const itemsOf = (sample: Sample) => [
	{ json: {}, ...(sample.binary ? { binary: sample.binary } : {}) },
];

describe('Isolate parameters (property-based, real node + simulator)', () => {
	let sim: Simulator;
	let restore: () => void;
	beforeAll(async () => {
		restore = useFastRetries();
		sim = await startSimulator();
	});
	afterAll(async () => {
		restore();
		await sim.close();
		const leaks = collector.report();
		recordSuiteFigures('validation', { ...tally, ...leakFigures(leaks) });
		expect(leaks.leaks).toEqual([]);
	});

	it(`a valid parameter set sends exactly one create with exactly the expected body (${NUM_RUNS} runs)`, async () => {
		await fc.assert(
			fc.asyncProperty(validArb, async ({ sample }) => {
				sim.reset();
				tally.validInputsTried++;
				const result = await runFreepik(sim, sample.parameters, { items: itemsOf(sample) });
				expect(result.error?.message).toBeUndefined();
				const creates = sim.requestsTo('create');
				expect(creates).toHaveLength(1);
				expect(creates[0].status).toBe(200);
				expect(creates[0].body).toEqual(sample.expectedBody);
				expect(result.items).toHaveLength(1);
				expect(result.items[0].json.task_id).toBe(creates[0].taskId);
				expect(sim.requests).toHaveLength(1);
				tally.validExactBody++;
			}),
			{ numRuns: NUM_RUNS, asyncReporter: async (d) => compactReporter(d) },
		);
	});

	it(`a parameter set with one invalid value sends nothing and names the field (${NUM_RUNS} runs)`, async () => {
		await fc.assert(
			fc.asyncProperty(invalidArb, fc.boolean(), async ({ sample }, continueOnFail) => {
				sim.reset();
				tally.invalidInputsTried++;
				// n8n itself refuses to start a node whose required parameter is empty ("issues"): also an
				// n8n error naming the field, also before any request.
				const outcome = await runFreepik(sim, sample.parameters, {
					items: itemsOf(sample),
					continueOnFail,
				}).then(
					(result) => ({ result }),
					(error: Error) => ({ issues: error }),
				);
				const requests = sim.requests.length;
				if (requests === 0) tally.invalidRejectedBeforeRequest++;
				expect({ defect: sample.defect, requests }).toEqual({ defect: sample.defect, requests: 0 });
				if ('issues' in outcome) {
					expect(outcome.issues.constructor.name).toBe('WorkflowHasIssuesError');
					expect(outcome.issues.message).toMatch(
						new RegExp(`Parameter "(${sample.field!.source})" is required`),
					);
					return;
				}
				const { result } = outcome;
				let message: string;
				let description: string;
				if (continueOnFail && !sample.batchLevel) {
					expect(result.error).toBeUndefined();
					expect(result.items).toHaveLength(1);
					expect(result.items[0].json.task_id).toBeUndefined();
					message = String(result.items[0].json.error);
					description = String(result.items[0].json.errorDescription ?? '');
				} else {
					expect(result.error).toBeDefined();
					expect((result.error as { name?: string }).name).toMatch(/^Node(Operation|Api)Error$/);
					message = result.error!.message;
					description = result.error!.description ?? '';
				}
				expect(message).toMatch(new RegExp(`^Invalid "(?:${sample.field!.source})[^"]*": \\S`));
				expect(message).not.toMatch(/Nothing was sent to Freepik/);
				expect(description).toMatch(/^Nothing was sent to Freepik/);
				expect(message).not.toMatch(/\bundefined\b|\[object Object\]/);
			}),
			{ numRuns: NUM_RUNS, asyncReporter: async (d) => compactReporter(d) },
		);
	});

	it('one invalid item stops the whole batch before its first request', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(
					validArb.filter((v) => v.source === 'url'),
					{ minLength: 1, maxLength: 3 },
				),
				fc.nat(),
				fc.constantFrom('', '   ', 'http://insecure.example.com/a.mp3'),
				async (valids, at, badUrl) => {
					sim.reset();
					// Per-item values come from each item's JSON through expressions, as in a real workflow.
					const items = valids.map((v) => ({ json: { url: v.sample.parameters.url } }));
					const broken = at % (items.length + 1);
					items.splice(broken, 0, { json: { url: badUrl } });
					tally.invalidInputsTried++;
					const base = valids[0].sample.parameters;
					const result = await runFreepik(
						sim,
						{ ...base, inputSource: 'url', url: '={{ $json.url }}' },
						{ items },
					);
					if (sim.requests.length === 0) tally.invalidRejectedBeforeRequest++;
					expect(sim.requests).toHaveLength(0);
					expect(result.error?.message).toMatch(/^Invalid "File URL"/);
					expect(result.error?.description).toMatch(new RegExp(`item ${broken}\\b`));
				},
			),
			{
				numRuns: Math.max(10, Math.round(NUM_RUNS / 5)),
				asyncReporter: async (d) => compactReporter(d),
			},
		);
	});

	it(`a File URL on a loopback, private or link-local host, or with user:password@, is refused before any request`, async () => {
		await fc.assert(
			fc.asyncProperty(unreachableUrlArb, async (url) => {
				sim.reset();
				const result = await runFreepik(sim, {
					operation: 'isolate',
					description: 'A person speaking',
					inputType: 'audio',
					inputSource: 'url',
					url,
					waitForCompletion: false,
				});
				expect({ url, requests: sim.requests.length }).toEqual({ url, requests: 0 });
				expect(result.error?.message).toMatch(/^Invalid "File URL": /);
				expect(result.error?.message).toMatch(
					/Freepik must be able to fetch the file from the internet/,
				);
				// The password the user typed is not repeated in the error.
				expect(result.error?.message).not.toMatch(/hunter2|s3cr3t/);
			}),
			{
				numRuns: Math.max(20, Math.round(NUM_RUNS / 3)),
				asyncReporter: async (d) => compactReporter(d),
			},
		);
	});

	// URL normalisation removes "." and ".." segments; this property is about the host and spaces.
	const plainWebPath = fc
		.webPath()
		.filter((path) => !path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment)));

	it('a File URL on a public address next to those ranges is sent, normalised', async () => {
		await fc.assert(
			fc.asyncProperty(publicEdgeIpv4Arb, plainWebPath, async (host, path) => {
				sim.reset();
				const url = `https://${host}${path}/take one.mp3`;
				const result = await runFreepik(sim, {
					operation: 'isolate',
					description: 'A person speaking',
					inputType: 'audio',
					inputSource: 'url',
					url,
					waitForCompletion: false,
				});
				expect(result.error?.message).toBeUndefined();
				const sent = sim.requestsTo('create')[0]?.body as Record<string, unknown>;
				expect(sent.audio).toBe(`https://${host}${path}/take%20one.mp3`);
			}),
			{ numRuns: 20, asyncReporter: async (d) => compactReporter(d) },
		);
	});

	describe('inputs that once slipped through validation', () => {
		it('a File URL with an upper-case scheme (HTTPS://) is sent as https:// and accepted', async () => {
			sim.reset();
			const result = await runFreepik(sim, {
				operation: 'isolate',
				description: 'A person speaking',
				inputType: 'audio',
				inputSource: 'url',
				url: 'HTTPS://example.com/interview.mp3',
				waitForCompletion: false,
			});
			// Either normalised (https://…) and accepted, or rejected before any request.
			const ok = result.error === undefined && sim.requestsTo('create')[0]?.status === 200;
			const rejectedLocally =
				/^Invalid "File URL"/.test(result.error?.message ?? '') && sim.requests.length === 0;
			expect(ok || rejectedLocally).toBe(true);
		});

		it('Predict Spans given as the text "true" (an expression) is sent as true', async () => {
			sim.reset();
			const result = await runFreepik(sim, {
				operation: 'isolate',
				description: 'A person speaking',
				inputType: 'audio',
				inputSource: 'url',
				url: 'https://example.com/interview.mp3',
				waitForCompletion: false,
				options: { predictSpans: 'true' },
			});
			const sent = sim.requestsTo('create')[0]?.body as Record<string, unknown> | undefined;
			// Either understood as true, or rejected naming the field, never silently false.
			expect(
				sent?.predict_spans === true ||
					/^Invalid "Predict Spans"/.test(result.error?.message ?? ''),
			).toBe(true);
		});
	});
});
