import type { IBinaryKeyData } from 'n8n-workflow';

import type { FreepikTask } from './types';

/** Time as the engine sees it: real in n8n, virtual in tests; `sleep` ends early on `signal`. */
export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The only calls the engine makes. A request body is built when the task is submitted, not before.
 */
export interface TaskClient<Body = unknown> {
	create(body: Body, itemIndex: number): Promise<FreepikTask>;
	get(taskId: string, itemIndex: number, deadline?: number): Promise<FreepikTask>;
	download(task: FreepikTask, propertyName: string, itemIndex: number): Promise<IBinaryKeyData>;
}

export interface WaitSettings {
	/** The longest gap between two polls of one task (the user's Poll Interval). */
	pollIntervalMs: number;
	maxWaitMs: number;
	/** Binary property that receives the result; absent: no download. */
	downloadTo?: string;
}

/**
 * A SHA-256 of what defines a create request, without the file content; computed only when n8n may
 * rerun the node (Retry On Fail), to find what earlier tries created (helpers/retryReuse.ts).
 */
export type RequestHash = () => string;

/** One item's work. Isolate makes the first two kinds, Get the last two. */
export type TaskJob<Body = unknown> =
	| { kind: 'createOnly'; itemIndex: number; body: Body; requestHash?: RequestHash }
	| {
			kind: 'createAndWait';
			itemIndex: number;
			body: Body;
			wait: WaitSettings;
			requestHash?: RequestHash;
	  }
	| { kind: 'getAndWait'; itemIndex: number; taskId: string; wait: WaitSettings }
	| {
			kind: 'getOnce';
			itemIndex: number;
			taskId: string;
			downloadTo?: string;
			pollIntervalMs: number;
	  };

/** Why an item did not succeed. Turned into an n8n error in one place: helpers/outputs.ts. */
export type Failure =
	/** Freepik reported the task FAILED. */
	| { kind: 'failed' }
	| { kind: 'timeout'; maxWaitMs: number }
	/** COMPLETED without result files, even after polling again. */
	| { kind: 'noResultFiles' }
	| { kind: 'cancelled' }
	/** Stopped because another item of the batch failed first: a consequence, not a cause. */
	| { kind: 'notFinished' }
	/** A request, download or parameter check failed; the error is already an n8n error. */
	| { kind: 'error'; error: Error };

export type TaskOutcome = (
	| { itemIndex: number; ok: true; task: FreepikTask; binary?: IBinaryKeyData }
	| {
			itemIndex: number;
			ok: false;
			failure: Failure;
			task?: FreepikTask;
			/** A create was sent and its answer never came: a task may exist that no id names. */
			createInFlight?: boolean;
	  }
) & {
	/** Tasks that earlier tries of this node (n8n's Retry On Fail) created for the item. */
	earlierTaskIds?: string[];
};

export interface EngineLog {
	info(message: string): void;
	warn(message: string): void;
}

export interface EngineOptions {
	maxInFlight: number;
	downloadConcurrency: number;
	/** Without Continue On Fail the batch stops at the first error (after in-flight calls settle). */
	stopOnFirstError: boolean;
	signal?: AbortSignal;
	clock?: Clock;
	log?: EngineLog;
	firstPollDelayMs?: number;
	pollBackoffFactor?: number;
	emptyResultRepolls?: number;
	progressEveryMs?: number;
}
