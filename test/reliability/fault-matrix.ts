/**
 * Fault matrix: every fault kind of the simulator on every route where it makes sense, run through
 * the real node (n8n's execution engine) against the real simulator, both with and without
 * Continue On Fail. For each run it checks the outcome (success after retries, or the right error),
 * how many POSTs reached the API and how many tasks were really created, that a known task id is in
 * every outcome, and that no message looks like a crash.
 */
import type { FaultSpec, Simulator } from '../../simulator';
import {
	API_KEY,
	isolateFromUrl,
	readBinary,
	runFreepik,
	startSimulator,
} from '../helpers/freepik';
import { describeWav, wavFileSize } from '../../simulator';
import { leakFigures } from './leak-collector';
import { recordSuiteFigures, type Figures } from './figures';
import {
	FAST_RETRIES,
	fastTuning,
	assertCleanMessage,
	collector,
	createTaskDirectly,
	freePort,
	outcomeTexts,
	settle,
	tcpProxy,
	retryWaits,
	useFastRetries,
	waitForCompletion,
	waitUntil,
} from './support';
import { HANG_GUARD_MS } from '../simulator/helpers';

type Scenario =
	/** Isolate from a URL, Wait for Completion off: one create. */
	| 'isolate'
	/** Isolate from a URL, waiting and downloading. */
	| 'isolateWait'
	/** Get an existing COMPLETED task, no download. */
	| 'get'
	/** Get an existing COMPLETED task and download its WAV. */
	| 'download'
	/** Get an existing task with Wait for Completion on (Max Wait Time 2 s). */
	| 'getWait'
	/** Get Many. */
	| 'list';

interface Case {
	name: string;
	scenario: Scenario;
	faults: FaultSpec[];
	/** The node's Tuning settings. */
	tuning?: Record<string, unknown>;
	/** 'success', or what the error message must match. */
	outcome: 'success' | RegExp;
	/** What the error description must match (as well). */
	description?: RegExp;
	/** POST requests the node sends. Default: 1 for isolate scenarios, 0 otherwise. */
	posts?: number;
	/** Tasks the server really creates because of the node ([min, max] when it depends on timing). */
	creates?: number | [number, number];
	/** [min, max] GET requests on the task route. */
	gets?: [number, number];
	/** [min, max] requests on the download route. */
	downloads?: [number, number];
	/** [min, max] list requests. */
	lists?: [number, number];
	/** Whether the node learnt a task id that every outcome must then carry. Default: computed. */
	idKnown?: boolean;
	/**
	 * The retry waits the transport asked for, in order (Retry-After honoured, or not waited at all);
	 * each next request on the faulted route arrived after its wait had ended.
	 */
	retryWaitsMs?: number[];
	/** Every retry wait, and all of them together, fit in this many ms (Max Wait Time). */
	retryWaitsWithinMs?: number;
	/** The faulted request was cut by the node's timeout: it hung up instead of waiting for the answer. */
	hungUp?: boolean;
	/** Extra status the successful output must show. */
	status?: string;
	/** The create failed in a way that proves no task was made: the error must not send users to Get Many. */
	definitelyNotCreated?: boolean;
	/** Client settings replacing FAST_RETRIES' for this case. */
	client?: Partial<typeof FAST_RETRIES>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { capturedLogs } = require('../../harness/n8n-harness') as {
	capturedLogs: Array<{ level: string; message: string }>;
};

const MAX_ATTEMPTS = FAST_RETRIES.maxRetries + 1;
const AMBIGUOUS = /task may have been created: check Get Many/;
const AMBIGUOUS_DESCRIPTION = /may have reached Freepik|may have been created/;
const SLOW = { requestTimeout: 1 };

const cases: Case[] = [
	// ---------------------------------------------------------------- create (POST)
	{
		name: 'create 429 once',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'status', status: 429 }],
		outcome: 'success',
		posts: 2,
	},
	{
		name: 'create 429 with Retry-After: 1',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'status', status: 429, headers: { 'retry-after': '1' } }],
		outcome: 'success',
		posts: 2,
		retryWaitsMs: [1000],
	},
	{
		name: 'create 503 once',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'status', status: 503 }],
		outcome: 'success',
		posts: 2,
	},
	{
		name: 'create 503 twice',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'status', status: 503, times: 2 }],
		outcome: 'success',
		posts: 3,
	},
	{
		name: 'create 503 forever',
		definitelyNotCreated: true,
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'status', status: 503, times: 'Infinity' }],
		outcome: /temporarily unavailable while creating the isolation task/,
		description: new RegExp(`Tried ${MAX_ATTEMPTS} times`),
		posts: MAX_ATTEMPTS,
		creates: 0,
	},
	{
		// After a 429 the rate limiter spaces requests about 2 s apart (its slowest adaptive rate),
		// whatever the retry waits: 2 retries show the bound as well as 5 and take 4 s, not 8 s.
		name: 'create 429 forever',
		definitelyNotCreated: true,
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'status', status: 429, times: 'Infinity' }],
		client: { maxRetries: 2 },
		outcome: /rate limit reached .* while creating the isolation task/,
		posts: 3,
		creates: 0,
	},
	...[500, 502, 504].map(
		(status): Case => ({
			name: `create ${status} (ambiguous: not repeated)`,
			scenario: 'isolate',
			faults: [{ route: 'create', kind: 'status', status }],
			outcome: new RegExp(
				`${status === 500 ? 'internal error' : status === 502 ? 'bad gateway' : 'did not answer in time'}.*${AMBIGUOUS.source}`,
			),
			description: AMBIGUOUS_DESCRIPTION,
			posts: 1,
			creates: 0,
		}),
	),
	{
		name: 'create 400 with invalid_params',
		definitelyNotCreated: true,
		scenario: 'isolate',
		faults: [
			{
				route: 'create',
				kind: 'status',
				status: 400,
				body: {
					problem: {
						message: 'Invalid request',
						invalid_params: [{ name: 'audio', reason: 'unreachable URL' }],
					},
				},
			},
		],
		outcome: /Freepik rejected the request while creating the isolation task: Invalid request/,
		description: /audio: unreachable URL/,
		posts: 1,
		creates: 0,
	},
	{
		name: 'create 401',
		definitelyNotCreated: true,
		scenario: 'isolate',
		faults: [
			{ route: 'create', kind: 'status', status: 401, body: { message: 'Invalid API key' } },
		],
		outcome: /API key is missing or invalid while creating the isolation task: Invalid API key/,
		description: /Check the API key/,
		posts: 1,
		creates: 0,
	},
	{
		name: 'create HTML 502 page',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'html' }],
		outcome:
			/bad gateway\) while creating the isolation task: response body: <html>.*502 Bad Gateway/,
		description: AMBIGUOUS_DESCRIPTION,
		posts: 1,
		creates: 0,
	},
	{
		name: 'create HTML 503 page',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'html', status: 503 }],
		outcome: 'success',
		posts: 2,
	},
	{
		name: 'create connection reset before the server did anything',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'reset' }],
		outcome: new RegExp(
			`Could not reach Freepik while creating the isolation task \\(ECONNRESET\\).*${AMBIGUOUS.source}`,
		),
		description: AMBIGUOUS_DESCRIPTION,
		posts: 1,
		creates: 0,
	},
	{
		name: 'create connection reset after the task was created',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'resetAfterCreate' }],
		outcome: new RegExp(
			`Could not reach Freepik while creating the isolation task \\(ECONNRESET\\).*${AMBIGUOUS.source}`,
		),
		description: AMBIGUOUS_DESCRIPTION,
		posts: 1,
		creates: 1,
		idKnown: false,
	},
	{
		name: 'create timeout after the task was created',
		scenario: 'isolate',
		tuning: SLOW,
		faults: [{ route: 'create', kind: 'delayAfterCreate', ms: 1500 }],
		outcome: new RegExp(`while creating the isolation task \\(ETIMEDOUT\\).*${AMBIGUOUS.source}`),
		description: AMBIGUOUS_DESCRIPTION,
		posts: 1,
		creates: 1,
		idKnown: false,
		hungUp: true,
	},
	{
		name: 'create timeout before the server created it (it does, later)',
		scenario: 'isolate',
		tuning: SLOW,
		faults: [{ route: 'create', kind: 'delay', ms: 1500 }],
		outcome: new RegExp(`while creating the isolation task \\(ETIMEDOUT\\).*${AMBIGUOUS.source}`),
		description: AMBIGUOUS_DESCRIPTION,
		posts: 1,
		// The simulator may or may not still create it once the delay is over and the client is gone.
		creates: [0, 1],
		idKnown: false,
		hungUp: true,
	},
	{
		name: 'create redirect to the file host',
		definitelyNotCreated: true,
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'redirect' }],
		outcome:
			/answered HTTP 302 while creating the isolation task: response body: redirect to 127\.0\.0\.1:\d+ was not followed/,
		posts: 1,
		creates: 0,
	},
	{
		name: 'create answers malformed JSON',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'malformed' }],
		outcome: new RegExp(
			`HTTP 200.* while creating the isolation task: .*\\{"data": \\{"task_.*${AMBIGUOUS.source}`,
		),
		description: /A task may have been created|may have reached Freepik/,
		posts: 1,
		creates: 1,
		idKnown: false,
	},
	{
		name: 'create answers 200 without task_id',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'noTaskId' }],
		outcome: new RegExp(
			`HTTP 200.* while creating the isolation task: .*\\{"data":\\{\\}\\}.*${AMBIGUOUS.source}`,
		),
		description: /without a task_id/,
		posts: 1,
		creates: 1,
		idKnown: false,
	},
	{
		name: 'create answers an unknown status',
		scenario: 'isolate',
		faults: [{ route: 'create', kind: 'unknownStatus', taskStatus: 'QUEUED' }],
		outcome: 'success',
		status: 'QUEUED',
	},

	// ---------------------------------------------------------------- get (GET one task)
	...[429, 500, 502, 503, 504].map(
		(status): Case => ({
			name: `get ${status} once`,
			scenario: 'get',
			faults: [{ route: 'get', kind: 'status', status }],
			outcome: 'success',
			gets: [2, 2],
		}),
	),
	{
		name: 'get 500 forever (bounded)',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'status', status: 500, times: 'Infinity' }],
		outcome: /internal error while getting task/,
		description: new RegExp(`Tried ${MAX_ATTEMPTS} times`),
		gets: [MAX_ATTEMPTS, MAX_ATTEMPTS],
	},
	{
		name: 'get 503 with Retry-After: 1',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'status', status: 503, headers: { 'retry-after': '1' } }],
		outcome: 'success',
		gets: [2, 2],
		retryWaitsMs: [1000],
	},
	{
		name: 'get 503 with Retry-After longer than the node waits',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'status', status: 503, headers: { 'retry-after': '3600' } }],
		outcome: /temporarily unavailable while getting task/,
		description: /asked to wait 3600 s/,
		gets: [1, 1],
		retryWaitsMs: [],
	},
	{
		name: 'get 404',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'status', status: 404, body: { message: 'Not found' } }],
		outcome: /Task \S+ not found: check the Task ID/,
		gets: [1, 1],
	},
	{
		name: 'get HTML 502 page',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'html' }],
		outcome: 'success',
		gets: [2, 2],
	},
	{
		name: 'get HTML 502 page forever',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'html', times: 'Infinity' }],
		outcome: /bad gateway\) while getting task .*: response body: <html>/,
		gets: [MAX_ATTEMPTS, MAX_ATTEMPTS],
	},
	{
		name: 'get connection reset',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'reset' }],
		outcome: 'success',
		gets: [2, 2],
	},
	{
		name: 'get timeout',
		scenario: 'get',
		tuning: SLOW,
		faults: [{ route: 'get', kind: 'delay', ms: 1500 }],
		outcome: 'success',
		gets: [2, 2],
		hungUp: true,
	},
	{
		name: 'get redirect to the file host',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'redirect' }],
		outcome: /answered HTTP 302 while getting task .*redirect to 127\.0\.0\.1:\d+ was not followed/,
		gets: [1, 1],
	},
	{
		name: 'get malformed JSON',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'malformed' }],
		outcome: /HTTP 200.* while getting task .*\{"data": \{"task_/,
		gets: [1, 1],
	},
	{
		name: 'get 200 without task_id',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'noTaskId' }],
		outcome: /HTTP 200.* while getting task .*\{"data":\{\}\}/,
		gets: [1, 1],
	},
	{
		name: 'get unknown status',
		scenario: 'get',
		faults: [{ route: 'get', kind: 'unknownStatus', taskStatus: 'QUEUED' }],
		outcome: 'success',
		status: 'QUEUED',
	},

	// ---------------------------------------------------------------- get while waiting (polling)
	{
		name: 'poll unknown status forever (bounded by Max Wait Time)',
		scenario: 'getWait',
		faults: [{ route: 'get', kind: 'unknownStatus', taskStatus: 'QUEUED', times: 'Infinity' }],
		outcome: /did not finish within 2 s \(last status: QUEUED\)/,
		// At most 4 polls in the 2 s Max Wait Time, and no transport retry stretching it.
		gets: [2, 4],
		retryWaitsMs: [],
	},
	// Polls at 0, 0.5, 1.25 and 2.25 s (adaptive polling) for a task that finishes at 1.5 s.
	{
		name: 'poll unknown status once',
		scenario: 'getWait',
		faults: [{ route: 'get', kind: 'unknownStatus' }],
		outcome: 'success',
		gets: [2, 4],
		downloads: [1, 1],
	},
	{
		name: 'poll 503 forever with Retry-After (bounded by Max Wait Time)',
		scenario: 'getWait',
		faults: [
			{
				route: 'get',
				kind: 'status',
				status: 503,
				times: 'Infinity',
				headers: { 'retry-after': '1' },
			},
		],
		outcome: /temporarily unavailable while getting task/,
		description: /next attempt would pass Max Wait Time/,
		gets: [1, 3],
		retryWaitsWithinMs: 2000,
	},
	{
		name: 'poll connection reset forever (bounded by attempts)',
		scenario: 'getWait',
		faults: [{ route: 'get', kind: 'reset', times: 'Infinity' }],
		outcome: /Could not reach Freepik while getting task .*\(ECONNRESET\)/,
		gets: [MAX_ATTEMPTS, MAX_ATTEMPTS],
	},

	// ---------------------------------------------------------------- download (file host)
	{
		name: 'download expired URL (403)',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'expire' }],
		outcome: 'success',
		gets: [2, 2],
		downloads: [2, 2],
	},
	{
		name: 'download expired URL twice (refreshed only once)',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'expire', times: 2 }],
		outcome: /Could not download result 1 of Freepik task .*: the file host answered HTTP 403/,
		description: /COMPLETED on Freepik; only the download failed/,
		gets: [2, 2],
		downloads: [2, 2],
	},
	{
		name: 'download not found (404)',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'notFound' }],
		outcome: 'success',
		gets: [2, 2],
		downloads: [2, 2],
	},
	{
		name: 'download 403 before anything',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'status', status: 403 }],
		outcome: 'success',
		gets: [2, 2],
		downloads: [2, 2],
	},
	{
		name: 'download truncated once',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'truncate' }],
		outcome: 'success',
		gets: [1, 1],
		downloads: [2, 2],
	},
	{
		name: 'download always truncated',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'truncate', fraction: 0.9, times: 'Infinity' }],
		outcome:
			/Could not download result 1 of Freepik task .*: (download truncated|the download broke off)/,
		downloads: [3, 3],
	},
	...[500, 503].map(
		(status): Case => ({
			name: `download ${status} once`,
			scenario: 'download',
			faults: [{ route: 'download', kind: 'status', status }],
			outcome: 'success',
			downloads: [2, 2],
		}),
	),
	{
		name: 'download 500 forever (bounded)',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'status', status: 500, times: 'Infinity' }],
		outcome: /Could not download result 1 of Freepik task .*: the file host answered HTTP 500/,
		downloads: [3, 3],
	},
	{
		name: 'download HTML 502 page',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'html' }],
		outcome: 'success',
		downloads: [2, 2],
	},
	{
		name: 'download connection reset',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'reset' }],
		outcome: 'success',
		downloads: [2, 2],
	},
	{
		name: 'download timeout',
		scenario: 'download',
		tuning: SLOW,
		faults: [{ route: 'download', kind: 'delay', ms: 1500 }],
		outcome: 'success',
		downloads: [2, 2],
		hungUp: true,
	},
	{
		name: 'download redirect to a missing file',
		scenario: 'download',
		faults: [{ route: 'download', kind: 'redirect' }],
		outcome: 'success',
		downloads: [2, 2],
	},

	// ---------------------------------------------------------------- list (GET many)
	...[429, 500, 502, 503, 504].map(
		(status): Case => ({
			name: `list ${status} once`,
			scenario: 'list',
			faults: [{ route: 'list', kind: 'status', status }],
			outcome: 'success',
			lists: [2, 2],
		}),
	),
	{
		name: 'list 502 forever (bounded)',
		scenario: 'list',
		faults: [{ route: 'list', kind: 'status', status: 502, times: 'Infinity' }],
		outcome: /bad gateway\) while listing tasks/,
		lists: [MAX_ATTEMPTS, MAX_ATTEMPTS],
	},
	{
		name: 'list HTML 504 page',
		scenario: 'list',
		faults: [{ route: 'list', kind: 'html', status: 504 }],
		outcome: 'success',
		lists: [2, 2],
	},
	{
		name: 'list connection reset',
		scenario: 'list',
		faults: [{ route: 'list', kind: 'reset' }],
		outcome: 'success',
		lists: [2, 2],
	},
	{
		name: 'list timeout',
		scenario: 'list',
		tuning: SLOW,
		faults: [{ route: 'list', kind: 'delay', ms: 1500 }],
		outcome: 'success',
		lists: [2, 2],
		hungUp: true,
	},
	{
		name: 'list redirect',
		scenario: 'list',
		faults: [{ route: 'list', kind: 'redirect' }],
		outcome: /HTTP 302 while listing tasks.*not followed/,
		lists: [1, 1],
	},
	{
		name: 'list malformed JSON',
		scenario: 'list',
		faults: [{ route: 'list', kind: 'malformed' }],
		outcome: /HTTP 200.* while listing tasks: .*\{"data": \{"task_/,
		lists: [1, 1],
	},
	{
		name: 'list without a data array',
		scenario: 'list',
		faults: [{ route: 'list', kind: 'noTaskId' }],
		outcome: /HTTP 200.* while listing tasks: .*\{"data":\{\}\}/,
		lists: [1, 1],
	},
	{
		name: 'list unknown status',
		scenario: 'list',
		faults: [{ route: 'list', kind: 'unknownStatus', taskStatus: 'QUEUED' }],
		outcome: 'success',
		status: 'QUEUED',
	},

	// ---------------------------------------------------------------- whole flow, faults on every route
	{
		name: 'isolate and wait with a fault on every route',
		scenario: 'isolateWait',
		faults: [
			{ route: 'create', kind: 'status', status: 503 },
			{ route: 'get', kind: 'reset' },
			{ route: 'get', kind: 'unknownStatus' },
			{ route: 'download', kind: 'expire' },
		],
		outcome: 'success',
		posts: 2,
	},
	{
		name: 'isolate and wait, polling fails for good',
		scenario: 'isolateWait',
		faults: [
			{
				route: 'get',
				kind: 'status',
				status: 400,
				body: { message: 'Bad request' },
				times: 'Infinity',
			},
		],
		outcome: /Freepik rejected the request while getting task .*: Bad request/,
		posts: 1,
		creates: 1,
	},
	{
		name: 'isolate and wait, download always truncated',
		scenario: 'isolateWait',
		faults: [{ route: 'download', kind: 'truncate', times: 'Infinity' }],
		outcome: /Could not download result 1 of Freepik task/,
		posts: 1,
		creates: 1,
		downloads: [3, 3],
	},
];

const tally: Pick<Figures, 'faultsTried' | 'endedCorrectly' | 'duplicatePosts' | 'lostTaskIds'> = {
	faultsTried: 0,
	endedCorrectly: 0,
	duplicatePosts: 0,
	lostTaskIds: 0,
};

function parametersFor(
	scenario: Scenario,
	taskId: string | undefined,
	tuning: Record<string, unknown> = {},
	optionsOverride: Record<string, unknown> = {},
) {
	const options = { pollInterval: 1, maxWaitTime: 2, ...optionsOverride };
	const get = { operation: 'get', taskId, options, tuning };
	switch (scenario) {
		case 'isolate':
			return isolateFromUrl({ waitForCompletion: false, options, tuning });
		case 'isolateWait':
			return isolateFromUrl({
				waitForCompletion: true,
				options: { ...options, maxWaitTime: 10 },
				tuning,
			});
		case 'get':
			return { ...get, waitForCompletion: false, downloadResult: false };
		case 'download':
			return { ...get, waitForCompletion: false, downloadResult: true };
		case 'getWait':
			return { ...get, waitForCompletion: true, downloadResult: true };
		case 'list':
			return { operation: 'getAll', returnAll: true, tuning };
	}
}

const countIn = (sim: Simulator, route: 'create' | 'get' | 'list' | 'download') =>
	sim.requestsTo(route).length;

/** Half of the matrix per test file, so that jest runs the halves side by side. */
export function faultMatrix(part: 'throw' | 'continueOnFail'): void {
	describe(`fault matrix (real node + simulator): ${part}`, () => {
		let sim: Simulator;
		let restore: () => void;

		beforeAll(async () => {
			restore = useFastRetries();
			// Tasks finish in 20 ms: the fixture task of a get/download/list case is ready at once.
			sim = await startSimulator({ taskDurationMs: 20 });
		});
		afterAll(async () => {
			restore();
			await settle(sim);
			await sim.close();
			const leaks = collector.report();
			recordSuiteFigures(`fault-matrix-${part}`, { ...tally, ...leakFigures(leaks) });
			expect(leaks.leaks).toEqual([]);
		});
		beforeEach(async () => {
			await settle(sim);
			sim.reset({ options: true });
			retryWaits.clear();
		});

		/** What the case says about the node's waits, from the waits it asked for and request order. */
		function expectRetryWaits(
			c: Case,
			before: Record<'posts' | 'gets' | 'lists' | 'downloads', number>,
		) {
			const route = c.faults[0].route as 'create' | 'get' | 'list' | 'download';
			const counted = {
				create: 'posts',
				get: 'gets',
				list: 'lists',
				download: 'downloads',
			} as const;
			const requests = sim.requestsTo(route).slice(before[counted[route]]);
			const waits = retryWaits.list;
			if (c.retryWaitsMs) {
				expect(waits.map((w) => w.ms)).toEqual(c.retryWaitsMs);
				// The retry went out only once its wait was over.
				waits.forEach((wait, i) => {
					expect(wait.endedAt).not.toBeNull();
					expect(requests[i + 1].at).toBeGreaterThanOrEqual(wait.endedAt!);
				});
			}
			if (c.retryWaitsWithinMs) {
				expect(waits.reduce((sum, w) => sum + w.ms, 0)).toBeLessThanOrEqual(c.retryWaitsWithinMs);
			}
			// Status 0: the client closed the connection before the (delayed) answer came.
			if (c.hungUp) expect(requests[0].status).toBe(0);
		}

		describe.each([part])('%s', (mode) => {
			for (const c of cases) {
				it(c.name, async () => await runCase(c));
			}

			async function runCase(c: Case) {
				tally.faultsTried++;
				// Fixture: an existing task for the get/download/list scenarios (created like another client would).
				let taskId: string | undefined;
				if (c.scenario === 'getWait') sim.configure({ taskDurationMs: 1500 });
				if (!c.scenario.startsWith('isolate')) {
					taskId = await createTaskDirectly(sim);
					if (c.scenario !== 'getWait') await waitForCompletion(sim, taskId);
				}
				const before = {
					creates: sim.stats().creates,
					posts: countIn(sim, 'create'),
					gets: countIn(sim, 'get'),
					lists: countIn(sim, 'list'),
					downloads: countIn(sim, 'download'),
				};
				for (const fault of c.faults) sim.addFault(fault);

				const parameters = parametersFor(c.scenario, taskId, c.tuning);
				const result = await runFreepik(sim, parameters, {
					continueOnFail: mode === 'continueOnFail',
					...(c.client ? { tuning: fastTuning(c.client) } : {}),
				});
				await settle(sim);
				const posts = countIn(sim, 'create') - before.posts;
				const creates = sim.stats().creates - before.creates;
				const isolate = c.scenario.startsWith('isolate');

				// The id the node was told (get) or received (isolate: the create answer reached it intact).
				const created = sim
					.requestsTo('create')
					.slice(before.posts)
					.find((r) => r.taskId);
				const idKnown = c.idKnown ?? (isolate ? created !== undefined : c.scenario !== 'list');
				const id = isolate ? (created?.taskId ?? undefined) : taskId;
				tally.duplicatePosts += Math.max(0, creates - 1);

				const texts = outcomeTexts(result);
				let idKept = true;
				if (idKnown && id) {
					if (result.error) idKept = texts.message.includes(id) && texts.description.includes(id);
					// Continue On Fail: the error item names the task in `error` and `errorDescription`, and after
					// a create also in `task_id` (a Get whose task never answered has no task object: see the
					// known-gap test below).
					else if (c.outcome !== 'success') {
						idKept =
							(!isolate || result.items[0]?.json.task_id === id) &&
							texts.message.includes(id) &&
							texts.description.includes(id);
					} else idKept = result.items[0]?.json.task_id === id;
					if (!idKept) tally.lostTaskIds++;
				}

				// --- outcome
				if (c.outcome === 'success') {
					expect(result.error).toBeUndefined();
					expect(result.items.length).toBeGreaterThan(0);
					expect(result.items.every((i) => i.json.error === undefined)).toBe(true);
					if (c.status) expect(result.items[0].json.status).toBe(c.status);
					if (
						c.scenario === 'download' ||
						c.scenario === 'isolateWait' ||
						c.scenario === 'getWait'
					) {
						const wav = await readBinary(result.items[0].binary!.data);
						expect(wav.length).toBe(wavFileSize(sim.options.resultBytes));
						expect(describeWav(wav)?.dataBytes).toBe(wav.length - 44);
					}
				} else {
					if (mode === 'throw') {
						expect(result.error).toBeDefined();
						expect(result.items).toEqual([]);
					} else {
						expect(result.error).toBeUndefined();
						expect(result.items).toHaveLength(1);
						expect(result.items[0].binary).toBeUndefined();
						if (idKnown && id && isolate) expect(result.items[0].json.task_id).toBe(id);
					}
					expect(texts.message).toMatch(c.outcome);
					// (Get Many's error items carry only `error`.)
					if (c.description && !(mode === 'continueOnFail' && c.scenario === 'list'))
						expect(texts.description).toMatch(c.description);
					if (c.definitelyNotCreated)
						expect(`${texts.message}\n${texts.description}`).not.toMatch(AMBIGUOUS_DESCRIPTION);
					assertCleanMessage(texts.message);
					assertCleanMessage(texts.description);
				}
				if (idKnown && id) expect(idKept).toBe(true);

				// --- requests and tasks
				expect(posts).toBe(c.posts ?? (isolate ? 1 : 0));
				const range = (n: number, r?: [number, number]) =>
					r && expect([n >= r[0], n <= r[1], n]).toEqual([true, true, n]);
				const expectedCreates = c.creates ?? (isolate ? 1 : 0);
				range(
					creates,
					typeof expectedCreates === 'number'
						? [expectedCreates, expectedCreates]
						: expectedCreates,
				);
				expect(creates).toBeLessThanOrEqual(1);
				range(countIn(sim, 'get') - before.gets, c.gets);
				range(countIn(sim, 'list') - before.lists, c.lists);
				range(countIn(sim, 'download') - before.downloads, c.downloads);
				expectRetryWaits(c, before);
				// The key went to the API only.
				for (const request of sim.requests.filter((r) => r.server !== 'api')) {
					expect(JSON.stringify(request.headers)).not.toContain(API_KEY);
				}
				tally.endedCorrectly++;
			}
		});

		// The single cases below run once, with the first half.
		if (part === 'throw') describeSingleCases();
		function describeSingleCases() {
			describe('connection refused', () => {
				it('retries a create while the connection is refused, then creates exactly one task', async () => {
					tally.faultsTried++;
					const port = await freePort();
					const proxy = tcpProxy(port, sim.apiUrl);
					const logsBefore = capturedLogs.length;
					// The listener starts after the first refusal: give the first retry a wide gap.
					try {
						const running = runFreepik(
							{ apiUrl: proxy.url } as Simulator,
							isolateFromUrl({ waitForCompletion: false }),
							{
								tuning: fastTuning({ retryBaseDelayMs: 300 }),
							},
						);
						// Start listening once the node has seen the refusal and scheduled its retry.
						const refused = await waitUntil(
							() =>
								capturedLogs
									.slice(logsBefore)
									.some((l) => /POST .* failed \(ECONNREFUSED\), retry 1\//.test(l.message)),
							HANG_GUARD_MS,
							2,
						);
						expect(refused).toBe(true);
						await proxy.listen();
						const result = await running;
						expect(result.error).toBeUndefined();
						expect(result.items[0].json.task_id).toBe(sim.requestsTo('create')[0].taskId);
						expect(sim.requestsTo('create')).toHaveLength(1);
						expect(sim.stats().creates).toBe(1);
					} finally {
						await proxy.close();
					}
					tally.endedCorrectly++;
				});

				it('gives up on a create after a bounded number of refused attempts', async () => {
					tally.faultsTried++;
					const port = await freePort();
					const result = await runFreepik(
						{ apiUrl: `http://127.0.0.1:${port}` } as Simulator,
						isolateFromUrl({ waitForCompletion: false }),
					);
					expect(result.error?.message).toMatch(
						/Could not reach Freepik while creating the isolation task \(ECONNREFUSED\)/,
					);
					expect(`${result.error?.message}\n${result.error?.description}`).not.toMatch(
						AMBIGUOUS_DESCRIPTION,
					);
					expect(result.error?.description).toMatch(new RegExp(`Tried ${MAX_ATTEMPTS} times`));
					assertCleanMessage(result.error!.message);
					// Bounded in time: one backoff wait per retry, none over the cap (+50 % jitter).
					expect(retryWaits.list).toHaveLength(FAST_RETRIES.maxRetries);
					for (const wait of retryWaits.list)
						expect(wait.ms).toBeLessThanOrEqual(FAST_RETRIES.retryMaxDelayMs * 1.5);
					tally.endedCorrectly++;
				});
			});

			describe('cancellation', () => {
				it('Stop during a long Retry-After wait ends the node at once (the wait listens to the cancel signal)', async () => {
					tally.faultsTried++;
					const taskId = await createTaskDirectly(sim);
					// 100 s: honoured (cap raised to production's 120 s, Max Wait Time 300 s), and far longer
					// than the test waits for the node to end, so a wait deaf to the cancel cannot pass.
					sim.addFault({
						route: 'get',
						kind: 'status',
						status: 503,
						headers: { 'retry-after': '100' },
						times: 'Infinity',
					});
					const logsBefore = capturedLogs.length;
					const result = await runFreepik(
						sim,
						parametersFor('getWait', taskId, {}, { maxWaitTime: 300 }),
						{
							// Once the node is in the Retry-After wait, however long it took to get there.
							cancelWhen: () => retryWaits.list.length > 0,
							tuning: fastTuning({ maxRetryAfterMs: 120_000 }),
						},
					);
					expect(result.status).toBe('canceled');
					// n8n reports a cancelled execution at once; the node itself ends when its waiting engine logs
					// "execution cancelled", after its 100 s Retry-After wait was cut short by the cancel.
					const ended = await waitUntil(
						() =>
							capturedLogs.slice(logsBefore).some((l) => /execution cancelled/.test(l.message)) &&
							retryWaits.list[0]?.endedAt != null,
						HANG_GUARD_MS,
						5,
					);
					expect(ended).toBe(true);
					expect(retryWaits.list.map((w) => [w.ms, w.cancelled])).toEqual([[100_000, true]]);
					// Nothing reached the API after the cancel: the first GET (the 503) was the only one.
					expect(sim.requestsTo('get')).toHaveLength(1);
					tally.endedCorrectly++;
				});
			});

			describe('Get errors keep the task id', () => {
				it('Get with Continue On Fail: the error item has task_id even when the task never answered', async () => {
					const taskId = await createTaskDirectly(sim);
					sim.addFault({
						route: 'get',
						kind: 'status',
						status: 404,
						body: { message: 'Not found' },
					});
					const result = await runFreepik(sim, parametersFor('get', taskId), {
						continueOnFail: true,
					});
					expect(result.items[0].json.error).toContain(taskId);
					expect(result.items[0].json.task_id).toBe(taskId);
				});
			});

			describe('connection refused on GET', () => {
				it('a Get retries refused connections a bounded number of times and names the task', async () => {
					tally.faultsTried++;
					const port = await freePort();
					const taskId = '046b6c7f-0b8a-43b9-b35d-6489e6daee91';
					const logsBefore = capturedLogs.length;
					const result = await runFreepik(
						{ apiUrl: `http://127.0.0.1:${port}` } as Simulator,
						parametersFor('get', taskId),
						{ continueOnFail: true },
					);
					const retries = capturedLogs
						.slice(logsBefore)
						.filter((l) => /GET .* failed \(ECONNREFUSED\), retry/.test(l.message));
					expect(retries).toHaveLength(FAST_RETRIES.maxRetries);
					expect(result.items[0].json.error).toMatch(
						new RegExp(`Could not reach Freepik while getting task ${taskId} \\(ECONNREFUSED\\)`),
					);
					expect(result.items[0].json.errorDescription).toMatch(
						new RegExp(`Task ID: ${taskId}[\\s\\S]*Tried ${MAX_ATTEMPTS} times`),
					);
					tally.endedCorrectly++;
				});
			});

			describe('batches', () => {
				it('a reset after create on one item of three: one ambiguous error, no duplicate, every other id kept', async () => {
					tally.faultsTried++;
					sim.addFault({ route: 'create', kind: 'resetAfterCreate' });
					const items = [{ json: {} }, { json: {} }, { json: {} }];
					const result = await runFreepik(sim, isolateFromUrl({ waitForCompletion: false }), {
						continueOnFail: true,
						items,
					});
					await settle(sim);
					expect(result.items).toHaveLength(3);
					const failed = result.items.filter((i) => i.json.error);
					expect(failed).toHaveLength(1);
					expect(failed[0].json.error).toMatch(AMBIGUOUS);
					expect(sim.requestsTo('create')).toHaveLength(3);
					expect(sim.stats().creates).toBe(3);
					const delivered = sim
						.requestsTo('create')
						.filter((r) => r.fault === null)
						.map((r) => r.taskId);
					expect(
						result.items
							.filter((i) => !i.json.error)
							.map((i) => i.json.task_id)
							.sort(),
					).toEqual(delivered.sort());
					tally.endedCorrectly++;
				});

				it('without Continue On Fail, the thrown error lists the tasks the batch created', async () => {
					tally.faultsTried++;
					sim.configure({ taskDurationMs: 200 });
					// Item order is not request order; fail the polls of whichever task is polled first, for good.
					sim.addFault({
						route: 'get',
						kind: 'status',
						status: 400,
						body: { message: 'Bad request' },
					});
					const items = [{ json: {} }, { json: {} }];
					const result = await runFreepik(
						sim,
						isolateFromUrl({
							waitForCompletion: true,
							options: { pollInterval: 1, maxWaitTime: 10 },
						}),
						{ items },
					);
					await settle(sim);
					expect(result.error).toBeDefined();
					const ids = sim.requestsTo('create').map((r) => r.taskId!);
					expect(ids).toHaveLength(2);
					expect(sim.stats().creates).toBe(2);
					for (const id of ids)
						expect(`${result.error!.message}\n${result.error!.description}`).toContain(id);
					tally.endedCorrectly++;
				});
			});
		}
	});
}
