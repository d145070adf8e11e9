/**
 * Runs FreepikTrigger.webhook() inside n8n-core's real WebhookContext, with a real n8n-workflow
 * Workflow (expression evaluation, parameter defaults, real httpRequest/prepareBinaryData
 * helpers). Only the HTTP request/response objects, the credential store and the logger are
 * stand-ins.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { WebhookContext } from 'n8n-core';
import {
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { FreepikTrigger } from '../../../../nodes/Freepik/FreepikTrigger.node';
import { fakeResponse, type FakeResponse } from '../../../helpers/fakeResponse';

export type { FakeResponse };

// n8n-core's InstanceSettings writes a settings file under the user folder: keep it out of $HOME.
process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'freepik-trigger-test-'));

export const NODE_TYPE = 'n8n-nodes-freepik.freepikTrigger';

export interface LogEntry {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
	meta?: unknown;
}

export interface RunOptions {
	parameters?: INodeParameters;
	credentials?: ICredentialDataDecryptedObject;
	headers: Record<string, string>;
	/** Bytes as sent. */
	rawBody: Buffer;
	/** What n8n's body parser would have produced; defaults to JSON.parse(rawBody). */
	parsedBody?: unknown;
	/** false: simulate an n8n that does not pre-fill rawBody (readRawBody() is then used). */
	prefillRawBody?: boolean;
	workflowId?: string;
	nodeId?: string;
	mode?: WorkflowExecuteMode;
}

export interface RunResult {
	result: IWebhookResponseData;
	response: FakeResponse;
	logs: LogEntry[];
	readRawBodyCalls: number;
}

class TestWebhookContext extends WebhookContext {
	readonly logs: LogEntry[] = [];

	override get logger() {
		const record =
			(level: LogEntry['level']) =>
			(message: string, meta?: unknown): void => {
				this.logs.push({ level, message, meta });
			};
		return {
			debug: record('debug'),
			info: record('info'),
			warn: record('warn'),
			error: record('error'),
		} as unknown as WebhookContext['logger'];
	}
}

export async function runTriggerWebhook(options: RunOptions): Promise<RunResult> {
	const nodeType = new FreepikTrigger();
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType as INodeType,
		getByNameAndVersion: () => nodeType as INodeType,
		getKnownTypes: () => ({}),
	};

	const node: INode = {
		id: options.nodeId ?? 'node-1',
		name: 'Freepik Trigger',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'freepik-trigger-test',
		parameters: {},
		credentials: { freepikApi: { id: 'cred-1', name: 'Freepik account' } },
	};
	// Fill defaults the way n8n does when it loads a workflow.
	node.parameters =
		NodeHelpers.getNodeParameters(
			nodeType.description.properties,
			options.parameters ?? {},
			true,
			false,
			node,
			nodeType.description,
		) ?? {};

	const workflow = new Workflow({
		id: options.workflowId ?? 'wf-1',
		name: 'Freepik trigger test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: {},
	});

	let readRawBodyCalls = 0;
	const prefill = options.prefillRawBody ?? true;
	const request: Record<string, unknown> = {
		headers: options.headers,
		body: options.parsedBody ?? safeJson(options.rawBody),
		params: {},
		query: {},
		rawBody: prefill ? options.rawBody : undefined,
		async readRawBody() {
			readRawBodyCalls++;
			request.rawBody = options.rawBody;
		},
	};
	const response = fakeResponse();

	const credentials = options.credentials ?? {
		apiKey: 'test-api-key',
		baseUrl: 'https://api.freepik.com',
		webhookSecret: '',
	};
	const additionalData = {
		httpRequest: request,
		httpResponse: response,
		credentialsHelper: {
			getDecrypted: async () => credentials,
			isCredentialUsableByNode: () => true,
		},
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;

	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: 'freepik',
		webhookDescription: nodeType.description.webhooks![0],
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	} as unknown as IWebhookData;

	const context = new TestWebhookContext(
		workflow,
		node,
		additionalData,
		options.mode ?? 'webhook',
		webhookData,
		[],
		null,
	);
	const result = await nodeType.webhook.call(context);
	return { result, response, logs: context.logs, readRawBodyCalls };
}

function safeJson(raw: Buffer): unknown {
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch {
		return {};
	}
}
