import { FIELD_DEFAULTS } from './fields';

/**
 * Every default the code falls back to: the fields' (written in FIELDS, helpers/fields.ts) and
 * those of the transport and the waiting engine, which have no field.
 */
export const DEFAULTS = {
	...FIELD_DEFAULTS,
	/** Get Many: pages of the task list read at most (Freepik documents no page size). */
	listMaxPages: 100,
	// Transport: retries of calls that are safe to repeat.
	maxRetries: 5,
	retryBaseDelayMs: 500,
	retryMaxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
	// Downloads of the results.
	downloadConcurrency: 4,
	downloadAttempts: 3,
	downloadRetryDelayMs: 500,
	// Waiting engine: the first poll soon after submit, later ones backing off to the Poll Interval.
	firstPollDelayMs: 500,
	pollBackoffFactor: 1.5,
	/** Polls after a COMPLETED answer without result files, one interval apart, before giving up. */
	emptyResultRepolls: 3,
	progressEveryMs: 30_000,
} as const;
