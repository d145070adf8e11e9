import { FreepikApi } from '../../credentials/FreepikApi.credentials';
import { Freepik } from '../../nodes/Freepik/Freepik.node';
import type { Tuning } from '../../nodes/Freepik/engine/batch';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../simulator';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness = require('../../harness/n8n-harness') as typeof import('../../harness/n8n-harness');

export { readBinary, useBinaryMode } from '../../harness/n8n-harness';

export const API_KEY = 'sk-test-3f9a1c77d2b84e6b';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	return await createSimulator({ apiKey: API_KEY, taskDurationMs: 300, ...options });
}

export interface RunOptions {
	items?: Array<{
		json?: object;
		binary?: Record<string, { data: Buffer; fileName: string; mimeType: string }>;
	}>;
	continueOnFail?: boolean;
	/** The node's On Error setting (wins over continueOnFail); error output items: `errorItems`. */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	binaryMode?: 'default' | 'filesystem';
	cancelAfterMs?: number;
	/** Cancel the execution (as the Stop button does) once this is true: at a point of the run. */
	cancelWhen?: () => boolean;
	apiKey?: string;
	/** The node's Settings tab: Retry On Fail, Max Tries, Wait Between Tries (ms). */
	nodeSettings?: { retryOnFail?: boolean; maxTries?: number; waitBetweenTries?: number };
	executionId?: string;
	/** Passed to the node's constructor (retry waits, polling schedule); default: `useTuning`'s. */
	tuning?: Tuning;
	/** Run the node as an AI Agent's tool (n8n appends "Tool" to the type name of the node). */
	asTool?: boolean;
}

type OutputItem = {
	json: Record<string, any>;
	binary?: Record<string, any>;
	pairedItem?: any;
	error?: { message: string; description?: string | null };
};

function freepikNode(tuning: Tuning, asTool = false): Freepik {
	const node = new Freepik(tuning);
	if (asTool) node.description = { ...node.description, name: `${node.description.name}Tool` };
	return node;
}

let fileTuning: Tuning = {};

/** Sets the tuning every run of this test file passes to the node; returns a function restoring the previous one. */
export function useTuning(tuning: Tuning): () => void {
	const previous = fileTuning;
	fileTuning = tuning;
	return () => (fileTuning = previous);
}

/**
 * The harness's `credentialTypes` and `credentials`: a Freepik API credential (Custom host) that
 * points at the simulator; no Webhook Secret unless given.
 */
export const simulatorCredentials = (
	sim: Simulator,
	{ apiKey = API_KEY, webhookSecret = '' }: { apiKey?: string; webhookSecret?: string } = {},
) => ({
	credentialTypes: { freepikApi: new FreepikApi() },
	credentials: { freepikApi: { apiKey, apiHost: 'custom', baseUrl: sim.apiUrl, webhookSecret } },
});

/** Runs the Freepik node through n8n's execution engine against the simulator. */
export async function runFreepik(
	sim: Simulator,
	parameters: Record<string, unknown>,
	options: RunOptions = {},
) {
	const result = await harness.runNode({
		nodeType: freepikNode(options.tuning ?? fileTuning, options.asTool),
		...simulatorCredentials(sim, { apiKey: options.apiKey }),
		parameters: { resource: 'audioIsolation', ...parameters },
		items: options.items,
		continueOnFail: options.continueOnFail,
		onError: options.onError,
		binaryMode: options.binaryMode,
		cancelAfterMs: options.cancelAfterMs,
		cancelWhen: options.cancelWhen,
		nodeSettings: options.nodeSettings,
		executionId: options.executionId,
	});
	return result as {
		items: OutputItem[];
		/** The error output's items (On Error "Continue (using error output)"), else []. */
		errorItems: OutputItem[];
		error?: {
			message: string;
			description?: string;
			httpCode?: string;
			constructor: { name: string };
		};
		status: string;
		durationMs: number;
		logs: Array<{ level: string; message: string }>;
	};
}

export const isolateFromUrl = (extra: Record<string, unknown> = {}) => ({
	operation: 'isolate',
	description: 'A person speaking',
	inputType: 'audio',
	inputSource: 'url',
	url: 'https://example.com/interview.mp3',
	...extra,
	options: { pollInterval: 1, ...((extra.options as object) ?? {}) },
});

/** Isolate from the binary field `data`, without waiting for the result. */
export const isolateFromBinary = (extra: Record<string, unknown> = {}) => ({
	operation: 'isolate',
	description: 'A person speaking',
	inputType: 'audio',
	inputSource: 'binary',
	binaryPropertyName: 'data',
	waitForCompletion: false,
	...extra,
});
