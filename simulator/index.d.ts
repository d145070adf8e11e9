/// <reference types="node" />
/**
 * Local simulator of Freepik's AI Audio Isolation API (simulator/index.js).
 * Two origins on 127.0.0.1: `apiUrl` (the API) and `fileUrl` (the "CDN" serving result WAVs).
 */

export type Route = 'create' | 'get' | 'list' | 'download';
export type RecordedRoute = Route | 'other';

/** Documented Freepik limits by default; see rate-limit.js for the exact three-rule model. */
export interface RateLimitOptions {
	/** Rule 1: max requests in any sliding 1 s window. Default 50. */
	burstPerSecond?: number;
	/** Rule 2: how long a full-rate burst can last (token bucket capacity (B - A) * burstSeconds + 1). Default 5. */
	burstSeconds?: number;
	/** Rule 2 refill rate and rule 3 average. Default 10. */
	averagePerSecond?: number;
	/** Rule 3: max averagePerSecond * averageWindowSeconds requests in any sliding window of this length. Default 120. */
	averageWindowSeconds?: number;
	/** Send `Retry-After: <seconds>` with 429 answers (Freepik documents none). Default false. */
	retryAfter?: boolean;
}

/** Create body as recorded: long string members are replaced by `<name>Length` (+ `<name>Bytes`, `<name>Sha256` for base64 media). */
export type RecordedBody = Record<string, unknown>;

export type PerTask<T> = T | ((body: RecordedBody, index: number) => T);

export interface SimulatorOptions {
	/** API port; 0 (default) = ephemeral. */
	port?: number;
	/** File server port; 0 (default) = ephemeral. */
	filePort?: number;
	/** Valid API key. Default 'sim-test-key'. */
	apiKey?: string;
	/** The only header the key is read from: 'x-freepik-api-key' (default) or 'x-magnific-api-key' (as api.magnific.com). */
	keyHeader?: string;
	/** Webhook signing secret (UTF-8 bytes, or base64 after a `whsec_` prefix). Default 'sim-webhook-secret'. */
	webhookSecret?: string;
	/** Time from creation to COMPLETED/FAILED. Default 300. Hint: `[sim:duration=N]`. */
	taskDurationMs?: PerTask<number>;
	/** Make tasks end FAILED. Default false. Hint: `[sim:fail]`. */
	failTasks?: PerTask<boolean>;
	/** Number of result URLs of a COMPLETED task. Default 1. Hint: `[sim:results=N]`. */
	resultCount?: PerTask<number>;
	/** Size of each result WAV in bytes (rounded down to whole samples, min 44). Default 32768. Hint: `[sim:bytes=N]`. */
	resultBytes?: number;
	/** A non-documented status tasks show forever after ~10% of their duration. Hint: `[sim:status=X]`. */
	unknownStatus?: PerTask<string | null | undefined> | null;
	/** Lifetime of signed result URLs. Default 3 600 000 (1 h). */
	urlTtlMs?: number;
	/** Off by default; `true` = Freepik's documented limits. */
	rateLimit?: boolean | RateLimitOptions;
	/** Deliver every webhook twice with the same webhook-id. Default false. */
	webhookDuplicates?: boolean;
	/** Timeout of one webhook delivery. Default 5000. */
	webhookTimeoutMs?: number;
	/** Largest accepted request body. Default 300 MB (larger -> 413). */
	maxBodyBytes?: number;
	/** Cap of `requests` and `webhookDeliveries` (oldest dropped). Default 20 000. */
	maxRecordedRequests?: number;
	/** String members of a create body longer than this are recorded reduced. Default 65 536. */
	recordStringLimit?: number;
}

export type MediaInput =
	| { field: 'audio' | 'video'; kind: 'url'; length: number; url: string }
	| { field: 'audio' | 'video'; kind: 'base64'; length: number; bytes: number; sha256: string };

export interface TaskView {
	task_id: string;
	status: string;
	generated: string[];
}

export interface SimTask {
	id: string;
	index: number;
	createdAt: number;
	inProgressAt: number;
	/** null = never finishes */
	doneAt: number | null;
	outcome: 'COMPLETED' | 'FAILED';
	unknownStatus: string | null;
	resultCount: number;
	resultBytes: number;
	webhookUrl: string | null;
	/** What the simulator received as audio/video: decoded byte count and sha256 for base64. */
	input: MediaInput | null;
	body: RecordedBody;
	urlExpires: number | null;
	revokedUntil: number;
	resignOnNextGet: boolean;
}

export interface RecordedRequest {
	server: 'api' | 'file';
	route: RecordedRoute;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Create: the recorded body (or `{ invalidJson: true }`); otherwise null. */
	body: unknown;
	bodyBytes: number;
	input: MediaInput | null;
	taskId: string | null;
	/** Kind of the fault applied to this request, if any. */
	fault: string | null;
	/** HTTP status; 0 = connection destroyed without an answer; null = still pending. */
	status: number | null;
	/** false when the response was cut short (reset, truncate). */
	completed: boolean;
	at: number;
}

interface FaultBase {
	route: Route;
	/** Number of requests the fault applies to, then it disarms. Default 1. */
	times?: number | 'Infinity';
	/** Only requests about this task (get, download). */
	taskId?: string;
}
/**
 * "pre" faults (status, html, reset, delay, redirect) act before the simulator does anything: for
 * create, no task is created. The others act after the normal work.
 */
export type FaultSpec = FaultBase &
	(
		| { kind: 'status'; status: number; headers?: Record<string, string>; body?: string | object }
		| { kind: 'html'; status?: number; headers?: Record<string, string> }
		| { kind: 'reset' }
		| { kind: 'delay'; ms: number }
		| { kind: 'redirect'; location?: string; status?: number; headers?: Record<string, string> }
		| { kind: 'malformed' }
		| { kind: 'noTaskId' }
		| { kind: 'unknownStatus'; taskStatus?: string }
		| { kind: 'resetAfterCreate' }
		| { kind: 'delayAfterCreate'; ms: number }
		| { kind: 'expire' }
		| { kind: 'notFound' }
		| { kind: 'truncate'; fraction?: number }
	);

export interface WebhookSendOptions {
	secret?: string;
	/** unix seconds */
	timestamp?: number;
	id?: string;
	/** Sent as `webhook-signature` instead of the real signature (forgery tests). */
	signatureOverride?: string;
}

export interface WebhookSendResult {
	url: string;
	id: string;
	timestamp: number;
	signature: string;
	/** The raw JSON body sent. */
	body: string;
	/** Target's HTTP status; null when it could not be reached or was refused. */
	status: number | null;
	responseBody?: string;
	error?: string;
}

export interface WebhookDelivery extends WebhookSendResult {
	taskId: string;
	/** Task status the delivery announces. */
	event: string;
	/** 1, or 2 for the duplicate when webhookDuplicates is on. */
	copy: number;
	at: number;
}

export interface RouteStats {
	requests: number;
	statuses: Record<string, number>;
}

export interface SimulatorStats {
	/** Tasks actually created. */
	creates: number;
	gets: number;
	lists: number;
	downloads: number;
	rateLimited: number;
	faultsApplied: number;
	webhooks: number;
	tasks: number;
	byRoute: Record<RecordedRoute, RouteStats>;
}

export interface Simulator {
	readonly apiUrl: string;
	readonly fileUrl: string;
	readonly apiKey: string;
	/** Live options (change with configure). */
	readonly options: Required<SimulatorOptions>;
	readonly requests: RecordedRequest[];
	readonly tasks: Map<string, SimTask>;
	readonly webhookDeliveries: WebhookDelivery[];
	requestsTo(route: RecordedRoute): RecordedRequest[];
	stats(): SimulatorStats;
	/** The task as GET would answer it now (may re-sign expired URLs). */
	taskView(id: string): TaskView | undefined;
	/** Arms a fault; returns its id. Throws TypeError on an invalid spec. */
	addFault(fault: FaultSpec): number;
	clearFaults(id?: number): void;
	faults(): Array<FaultSpec & { id: number; remaining: number | 'Infinity'; applied: number }>;
	/** Merges options at run time (not port/filePort). */
	configure(patch: Partial<SimulatorOptions>): void;
	/** Sends one signed (or forged) webhook to a loopback URL. */
	sendWebhook(url: string, task: object, options?: WebhookSendOptions): Promise<WebhookSendResult>;
	/** Clears tasks, requests, faults, counters, webhook deliveries and rate-limit state; `{ options: true }` also restores the start options. */
	reset(how?: { options?: boolean }): void;
	close(): Promise<void>;
}

export function createSimulator(options?: SimulatorOptions): Promise<Simulator>;

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`. */
export function signWebhook(args: { id: string; timestamp: number | string; body: string; secret: string }): string;

export interface WavInfo {
	riffSize: number;
	format: number;
	channels: number;
	sampleRate: number;
	bitsPerSample: number;
	dataBytes: number;
}
/** Parses a WAV header (first 44 bytes); null if not RIFF/WAVE. */
export function describeWav(buf: Buffer): WavInfo | null;
/** Size of the WAV served for a requested `resultBytes`. */
export function wavFileSize(requestedBytes: number): number;
