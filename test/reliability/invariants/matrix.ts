/**
 * The invariant matrix of issue 22: every combination of how n8n can run the Isolate operation
 * (wait mode, On Error, Retry On Fail, one or two passes in one execution) with a fault and a
 * batch size. This module only says what each row is; rows.ts runs one, invariants.ts checks it.
 */
import type { FaultSpec } from '../../../simulator';
import { toneWav } from '../../../simulator/wav';

export const WAITS = ['off', 'poll', 'webhook'] as const;
export const ON_ERRORS = ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const;
export const RETRIES = [false, true] as const;
export const PASSES = [1, 2] as const;
export const FAULTS = [
	'none',
	/** One task ends FAILED. */
	'failed',
	/** The connection is reset after the first create made its task (an uncertain create). */
	'resetAfterCreate',
	/** The first create is answered 429 with `Retry-After: 600`. */
	'longRetryAfter',
	/** Every result download is answered 500. */
	'download500',
	/** One binary item is a 0-byte file. */
	'emptyFile',
	/** One binary item is a PNG declared as audio. */
	'wrongType',
] as const;
export const ITEM_COUNTS = [1, 24, 31] as const;

export interface Row {
	wait: (typeof WAITS)[number];
	onError: (typeof ON_ERRORS)[number];
	retry: boolean;
	passes: 1 | 2;
	fault: (typeof FAULTS)[number];
	items: (typeof ITEM_COUNTS)[number];
}

/** Max Wait Time (s) of every waiting row, on the engine's clock. */
export const MAX_WAIT_S = 30;
/** The second pass takes the first third of the first pass's output (24 → 8, 31 → 10). */
export const secondPassSize = (items: number) => Math.max(1, Math.floor(items / 3));
/** The item the faults that hit one item hit: the middle one. */
export const faultyItem = (items: number) => Math.floor(items / 2);
export const MAX_TRIES = 3;
/** Retry On Fail as the row sets it: n8n's node settings. */
export const RETRY_SETTINGS = { retryOnFail: true, maxTries: MAX_TRIES, waitBetweenTries: 10 };

/** Why a combination is not run, or undefined when it is meaningful. */
export function pruned(row: Row): string | undefined {
	if (row.wait === 'off' && row.fault === 'download500')
		return 'Wait off downloads nothing: a download fault cannot happen';
	if (row.wait === 'off' && row.fault === 'failed')
		return 'Wait off returns CREATED before the task fails: the same run as no fault';
	if (row.passes === 2 && row.items === 1)
		return 'a second pass smaller than the first needs more than 1 item';
	return undefined;
}

export function allRows(): Row[] {
	const rows: Row[] = [];
	for (const wait of WAITS)
		for (const onError of ON_ERRORS)
			for (const retry of RETRIES)
				for (const passes of PASSES)
					for (const fault of FAULTS)
						for (const items of ITEM_COUNTS)
							rows.push({ wait, onError, retry, passes, fault, items });
	return rows;
}

export const rowName = (row: Row) =>
	`wait=${row.wait} onError=${row.onError} retry=${row.retry ? 3 : 'off'} passes=${row.passes} ` +
	`fault=${row.fault} items=${row.items}`;

/** The simulator fault the row arms before it runs (none for faults carried by the items). */
export function faultSpec(row: Row): FaultSpec | undefined {
	switch (row.fault) {
		case 'resetAfterCreate':
			return { route: 'create', kind: 'resetAfterCreate' };
		case 'longRetryAfter':
			return { route: 'create', kind: 'status', status: 429, headers: { 'retry-after': '600' } };
		case 'download500':
			return { route: 'download', kind: 'status', status: 500, times: 'Infinity' };
		default:
			return undefined;
	}
}

const usesBinary = (row: Row) => row.fault === 'emptyFile' || row.fault === 'wrongType';
const WAV = toneWav({ seconds: 0.05 });
const PNG = Buffer.concat([
	Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
	Buffer.alloc(64),
]);

/**
 * The input items: `json.d` names the row and the item (the simulator's tasks are told apart by it),
 * plus the `[sim:fail]` hint on the faulty item of a 'failed' row; binary rows carry a WAV each.
 */
export function inputItems(row: Row, tag: string) {
	return Array.from({ length: row.items }, (_, i) => {
		const faulty = i === faultyItem(row.items);
		const hint = faulty && row.fault === 'failed' ? ' [sim:fail]' : '';
		const json = { d: `${tag} p1 item ${i}${hint}` };
		if (!usesBinary(row)) return { json };
		let file = { data: WAV, fileName: `voice-${i}.wav`, mimeType: 'audio/wav' };
		if (faulty && row.fault === 'emptyFile') file = { ...file, data: Buffer.alloc(0) };
		if (faulty && row.fault === 'wrongType') file = { ...file, data: PNG };
		return { json, binary: { data: file } };
	});
}

const waitParameters = (row: Row) =>
	row.wait === 'off'
		? { waitForCompletion: false }
		: { waitForCompletion: true, downloadResult: true, waitMode: row.wait };

const OPTIONS = { pollInterval: 1, maxWaitTime: MAX_WAIT_S };
const TUNING = {
	averageRequestsPerSecond: 1000,
	burstRequestsPerSecond: 1000,
	maxTasksInFlight: 40,
	// A create held by a long shared pause fails at once when the pause outlasts this (issue 22 bug 2).
	requestTimeout: 10,
};

/** The Isolate parameters of the first pass. */
export function firstPassParameters(row: Row) {
	return {
		resource: 'audioIsolation',
		operation: 'isolate',
		description: '={{ $json.d }}',
		inputType: 'audio',
		...(usesBinary(row)
			? { inputSource: 'binary', binaryPropertyName: 'data' }
			: { inputSource: 'url', url: 'https://example.com/interview.mp3' }),
		...waitParameters(row),
		options: OPTIONS,
		tuning: TUNING,
	};
}

/** The second pass isolates from a URL whatever the first pass's input was. */
export function secondPassParameters(row: Row, tag: string) {
	return {
		resource: 'audioIsolation',
		operation: 'isolate',
		description: `={{ "${tag} p2 item " + $itemIndex }}`,
		inputType: 'audio',
		inputSource: 'url',
		url: 'https://example.com/interview.mp3',
		...waitParameters(row),
		options: OPTIONS,
		tuning: TUNING,
	};
}
