/**
 * Resume on Webhook through n8n-core: the Freepik node's execute() runs in n8n's WorkflowExecute
 * until the execution waits, and Freepik's callbacks (signed by the simulator, received by a real
 * HTTP server on 127.0.0.1) are handed to the node's webhook() inside n8n-core's WebhookContext
 * with the waiting execution's saved data, as n8n's waiting-webhooks endpoint does.
 */
import type {
	IRun,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

import { Freepik } from '../../nodes/Freepik/Freepik.node';
import type { Tuning } from '../../nodes/Freepik/engine/batch';
import type { Simulator } from '../../simulator';
import type { FakeResponse } from './fakeResponse';
import { simulatorCredentials, startSimulator } from './freepik';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness = require('../../harness/n8n-harness') as typeof import('../../harness/n8n-harness');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resumeHarness = require('../../harness/n8n-resume') as {
	startCallbackReceiver(): ReturnType<typeof startCallbackReceiver>;
	deliverCallback(
		waiting: WaitingRun,
		nodeType: Freepik,
		callback: Pick<Callback, 'headers' | 'rawBody' | 'query'>,
	): ReturnType<typeof deliver>;
};

export const WEBHOOK_SECRET = 'sim-webhook-secret';
export const RESUME_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

export interface Callback {
	url: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	rawBody: Buffer;
}

/** Receives the simulator's callbacks (answers 204) and keeps them for the test to hand on. */
export async function startCallbackReceiver(): Promise<{
	base: string;
	received: Callback[];
	/** The first received callback (from `from` on) that matches, waiting up to 10 s for it. */
	next(match: (cb: Callback) => boolean, from?: number): Promise<Callback>;
	close(): Promise<void>;
}> {
	return await resumeHarness.startCallbackReceiver();
}

export type Receiver = Awaited<ReturnType<typeof startCallbackReceiver>>;

export const statusOf = (cb: Callback) => JSON.parse(cb.rawBody.toString('utf8')).status as string;
export const taskIdOf = (cb: Callback) => JSON.parse(cb.rawBody.toString('utf8')).task_id as string;

export interface WaitingRun {
	status: string;
	items: Array<{ json: Record<string, any>; binary?: Record<string, any>; pairedItem?: any }>;
	errorItems: WaitingRun['items'];
	error?: { message: string; description?: string };
	run: IRun;
	nodeType: Freepik;
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	logs: Array<{ level: string; message: string; meta?: unknown }>;
}

export interface SubmitOptions {
	items?: Array<{ json?: object }>;
	continueOnFail?: boolean;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	webhookSecret?: string;
	/** n8n 1.x has no resume token. */
	resumeToken?: string | null;
	waitingBaseUrl?: string;
	tuning?: Tuning;
	nodeSettings?: { retryOnFail?: boolean; maxTries?: number; waitBetweenTries?: number };
	/** Custom data an earlier wait of the same execution left (n8n keeps it across waits). */
	customData?: Record<string, string>;
	/** The waiting node's id (another node of the same execution has another). */
	nodeId?: string;
	/** Another execution of the same workflow has another (default 'exec-1'). */
	executionId?: string;
}

/** Runs Source → Freepik (Isolate, Resume on Webhook) until the execution waits (or fails). */
export async function submit(
	sim: Simulator,
	receiver: Receiver,
	parameters: Record<string, unknown>,
	options: SubmitOptions = {},
) {
	const nodeType = new Freepik(options.tuning ?? {});
	const result = await harness.runNode({
		nodeType,
		...simulatorCredentials(sim, { webhookSecret: options.webhookSecret ?? WEBHOOK_SECRET }),
		parameters: { resource: 'audioIsolation', ...parameters },
		items: options.items,
		continueOnFail: options.continueOnFail,
		onError: options.onError,
		customData: options.customData,
		nodeId: options.nodeId,
		executionId: options.executionId,
		nodeSettings: options.nodeSettings,
		resumeToken: options.resumeToken === null ? undefined : (options.resumeToken ?? RESUME_TOKEN),
		additionalData: {
			webhookWaitingBaseUrl: options.waitingBaseUrl ?? `${receiver.base}/webhook-waiting`,
			formWaitingBaseUrl: `${receiver.base}/form-waiting`,
		},
	});
	// Object.assign keeps the harness's non-enumerable run, workflow and additionalData.
	return Object.assign(result, { nodeType }) as unknown as WaitingRun;
}

export const resumeParameters = (extra: Record<string, unknown> = {}) => ({
	operation: 'isolate',
	description: '={{ $json.d ?? "A person speaking" }}',
	inputType: 'audio',
	inputSource: 'url',
	url: 'https://example.com/interview.mp3',
	waitForCompletion: true,
	waitMode: 'webhook',
	...extra,
});

/**
 * Hands one callback to the waiting node's webhook() as n8n 2.x does on /webhook-waiting/:id:
 * WebhookContext over the saved execution data (custom data, input items), rawBody filled.
 */
export async function deliver(
	waiting: WaitingRun,
	callback: Pick<Callback, 'headers' | 'rawBody' | 'query'>,
): Promise<{ result: IWebhookResponseData; response: FakeResponse; items: WaitingRun['items'] }> {
	return await resumeHarness.deliverCallback(waiting, waiting.nodeType, callback);
}

/**
 * A suite's simulator (tasks of `taskDurationMs`, reset before each case) and callback receiver,
 * started once and closed at the end; `set` hands them to the suite.
 */
export function useResumeServers(
	taskDurationMs: number,
	set: (servers: { sim: Simulator; receiver: Receiver }) => void,
): void {
	let sim: Simulator;
	let receiver: Receiver;
	beforeAll(async () => {
		sim = await startSimulator({ taskDurationMs });
		receiver = await startCallbackReceiver();
		set({ sim, receiver });
	});
	afterAll(async () => {
		await sim.close();
		await receiver.close();
	});
	beforeEach(() => sim.reset());
}
