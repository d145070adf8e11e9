/**
 * Resume on Webhook through n8n-core: the Freepik node's execute() runs in n8n's WorkflowExecute
 * until the execution waits, and Freepik's callbacks (signed by the simulator, received by a real
 * HTTP server on 127.0.0.1) are handed to the node's webhook() inside n8n-core's WebhookContext
 * with the waiting execution's saved data, as n8n's waiting-webhooks endpoint does.
 */
import http from 'http';
import type { AddressInfo } from 'net';

import { WebhookContext } from 'n8n-core';
import type {
	INode,
	IRun,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

import { FreepikApi } from '../../credentials/FreepikApi.credentials';
import { Freepik } from '../../nodes/Freepik/Freepik.node';
import type { Tuning } from '../../nodes/Freepik/helpers/batch';
import type { Simulator } from '../../simulator';
import { fakeResponse } from './fakeResponse';
import { API_KEY } from './freepik';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness = require('../../harness/n8n-harness') as typeof import('../../harness/n8n-harness');

export const WEBHOOK_SECRET = 'sim-webhook-secret';
export const RESUME_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

export interface Callback {
	url: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	rawBody: Buffer;
}

/** Receives the simulator's callbacks (answers 204) and keeps them for the test to hand on. */
export async function startCallbackReceiver() {
	const received: Callback[] = [];
	const waiters: Array<() => void> = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			received.push({
				url: url.toString(),
				query: Object.fromEntries(url.searchParams),
				headers: req.headers as Record<string, string>,
				rawBody: Buffer.concat(chunks),
			});
			res.writeHead(204).end();
			waiters.splice(0).forEach((wake) => wake());
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	/** The first received callback (from `from` on) that matches, waiting up to 10 s for it. */
	async function next(match: (cb: Callback) => boolean, from = 0): Promise<Callback> {
		const deadline = Date.now() + 10_000;
		for (;;) {
			const found = received.slice(from).find(match);
			if (found) return found;
			if (Date.now() > deadline) throw new Error(`no matching callback among ${received.length}`);
			await new Promise<void>((resolve) => {
				waiters.push(resolve);
				setTimeout(resolve, 200);
			});
		}
	}
	return {
		base,
		received,
		next,
		close: async () => await new Promise<void>((r) => server.close(() => r())),
	};
}

export type Receiver = Awaited<ReturnType<typeof startCallbackReceiver>>;

export const statusOf = (cb: Callback) => JSON.parse(cb.rawBody.toString('utf8')).status as string;
export const taskIdOf = (cb: Callback) => JSON.parse(cb.rawBody.toString('utf8')).task_id as string;

export interface WaitingRun {
	status: string;
	items: Array<{ json: Record<string, any>; binary?: Record<string, any>; pairedItem?: any }>;
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
	webhookSecret?: string;
	/** n8n 1.x has no resume token. */
	resumeToken?: string | null;
	waitingBaseUrl?: string;
	tuning?: Tuning;
	nodeSettings?: { retryOnFail?: boolean; maxTries?: number; waitBetweenTries?: number };
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
		credentialTypes: { freepikApi: new FreepikApi() },
		credentials: {
			freepikApi: {
				apiKey: API_KEY,
				baseUrl: sim.apiUrl,
				webhookSecret: options.webhookSecret ?? WEBHOOK_SECRET,
			},
		},
		parameters: { resource: 'audioIsolation', ...parameters },
		items: options.items,
		continueOnFail: options.continueOnFail,
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
) {
	const runExecutionData = JSON.parse(JSON.stringify(waiting.run.data));
	const node = waiting.workflow.getNode('Node') as INode;
	const request = {
		method: 'POST',
		headers: callback.headers,
		query: callback.query,
		params: {},
		body: JSON.parse(callback.rawBody.toString('utf8') || '{}'),
		rawBody: callback.rawBody,
	};
	const response = fakeResponse();
	const additionalData = {
		...waiting.additionalData,
		httpRequest: request,
		httpResponse: response,
	} as unknown as IWorkflowExecuteAdditionalData;
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: '',
		webhookDescription: waiting.nodeType.description.webhooks![0],
		workflowId: waiting.workflow.id,
		workflowExecuteAdditionalData: additionalData,
	} as unknown as IWebhookData;
	const context = new WebhookContext(
		waiting.workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		runExecutionData,
	);
	const result: IWebhookResponseData = await waiting.nodeType.webhook.call(context);
	return { result, response, items: (result.workflowData?.[0] ?? []) as WaitingRun['items'] };
}
