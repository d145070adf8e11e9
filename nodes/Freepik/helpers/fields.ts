/**
 * Every field of the Freepik node that the code reads, checks or sends, written once: the label
 * the panel shows (and every validation message names: `Invalid "<label>": <rule>`), the name
 * Freepik's API takes, the default the code falls back to, and the limits.
 *
 * The parameter descriptions take labels and limits from here. n8n's lint wants each `default`
 * written as a literal in the description; test/nodes/Freepik/Freepik.node.test.ts checks every
 * one of them (and every label and limit the panel shows) against this table.
 */
export interface Field {
	readonly label: string;
	/** The request body's key, for the fields sent to Freepik as they are. */
	readonly api?: string;
	readonly default?: number | string | boolean;
	readonly min?: number;
	readonly max?: number;
	readonly integer?: boolean;
	/** Characters, counted as Freepik counts them (code points). */
	readonly maxLength?: number;
}

/** A field with a numeric range, as `checkRange` takes it. */
export type NumberField = Field & { readonly min: number; readonly max: number };

export const FIELDS = {
	description: { label: 'Sound to Isolate', api: 'description', maxLength: 2500 },
	inputType: { label: 'Input Type' },
	inputSource: { label: 'Input Source' },
	url: { label: 'File URL' },
	binaryPropertyName: { label: 'Input Binary Field', default: 'data' },
	base64Data: { label: 'Base64 Data' },
	/** The four coordinates x1, y1, x2, y2 are sent under their own names. */
	boundingBox: { label: 'Bounding Box', default: 0, min: 0, max: 1_000_000, integer: true },
	sampleFps: {
		label: 'Frame Sample Rate (FPS)',
		api: 'sample_fps',
		default: 2,
		min: 1,
		max: 5,
		integer: true,
	},
	rerankingCandidates: {
		label: 'Reranking Candidates',
		api: 'reranking_candidates',
		default: 1,
		min: 1,
		max: 8,
		integer: true,
	},
	predictSpans: { label: 'Predict Spans', api: 'predict_spans', default: false },
	webhookUrl: { label: 'Webhook URL', api: 'webhook_url' },
	pollInterval: { label: 'Poll Interval (Seconds)', default: 5, min: 1, max: 3600 },
	maxWaitTime: { label: 'Max Wait Time (Seconds)', default: 600, min: 1, max: 86_400 },
	outputBinaryPropertyName: { label: 'Put Output File in Field', default: 'data' },
	maxTasksInFlight: {
		label: 'Max Tasks in Flight',
		default: 25,
		min: 1,
		max: 500,
		integer: true,
	},
	requestTimeout: { label: 'Request Timeout (Seconds)', default: 120, min: 1, max: 3600 },
	averageRequestsPerSecond: {
		label: 'Average Requests per Second',
		default: 10,
		min: 0.1,
		max: 1000,
	},
	burstRequestsPerSecond: { label: 'Burst Requests per Second', default: 50, min: 0.1, max: 1000 },
	maxParallelUploads: {
		label: 'Max Parallel Uploads',
		default: 2,
		min: 1,
		max: 50,
		integer: true,
	},
	taskId: { label: 'Task ID' },
	limit: { label: 'Limit', default: 50, min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
} as const satisfies Record<string, Field>;

export type FieldName = keyof typeof FIELDS;

/** The panel's `typeOptions` bounds of a number field. */
export const bounds = (field: NumberField) => ({ minValue: field.min, maxValue: field.max });

/** The label of one bounding-box coordinate, e.g. "Bounding Box X1". */
export const boxLabel = (coordinate: string): string =>
	`${FIELDS.boundingBox.label} ${coordinate.toUpperCase()}`;

type FieldDefaults = {
	[K in FieldName as (typeof FIELDS)[K] extends { default: unknown }
		? K
		: never]: (typeof FIELDS)[K] extends { default: infer D } ? D : never;
};

/** The default of every field that has one, by the field's parameter name. */
export const FIELD_DEFAULTS = Object.fromEntries(
	Object.entries(FIELDS).flatMap(([name, field]: [string, Field]) =>
		field.default === undefined ? [] : [[name, field.default]],
	),
) as FieldDefaults;
