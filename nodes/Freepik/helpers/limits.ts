/**
 * Every limit and default of the node in one place: the parameter descriptions, the settings
 * readers, the transport and the waiting engine all read them from here.
 */
export const MAX_DESCRIPTION_LENGTH = 2500;

export const LIMITS = {
	sampleFps: { min: 1, max: 5 },
	rerankingCandidates: { min: 1, max: 8 },
	pollInterval: { min: 1, max: 3600 },
	maxWaitTime: { min: 1, max: 86_400 },
	maxTasksInFlight: { min: 1, max: 500 },
	requestTimeout: { min: 1, max: 3600 },
	averageRequestsPerSecond: { min: 0.1, max: 1000 },
	burstRequestsPerSecond: { min: 0.1, max: 1000 },
	maxParallelUploads: { min: 1, max: 50 },
} as const;

export const DEFAULTS = {
	// Parameters (seconds where the parameter is in seconds).
	pollInterval: 5,
	maxWaitTime: 600,
	outputBinaryPropertyName: 'data',
	maxTasksInFlight: 25,
	maxParallelUploads: 2,
	requestTimeout: 120,
	averageRequestsPerSecond: 10,
	burstRequestsPerSecond: 50,
	sampleFps: 2,
	rerankingCandidates: 1,
	limit: 50,
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
	// Waiting engine: the first poll comes soon after submit, later ones
	// back off to the Poll Interval.
	firstPollDelayMs: 500,
	pollBackoffFactor: 1.5,
	/** Polls after a COMPLETED answer without result files, one interval apart, before giving up. */
	emptyResultRepolls: 3,
	progressEveryMs: 30_000,
} as const;
