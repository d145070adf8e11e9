import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { downloadGeneratedFiles } from '../Freepik/helpers/binary';
import { parseWebhookTask } from './payload';
import { dedupeScope, rememberWebhookId } from './seenWebhookIds';
import { DEFAULT_TOLERANCE_SECONDS, verifyWebhookSignature } from './signature';

/** The parts of n8n's request object this node reads. */
interface RawRequest {
	headers: Record<string, string | string[] | undefined>;
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
}

interface TriggerOptions {
	toleranceSeconds?: number;
}

const INVALID_SIGNATURE = 'Invalid webhook signature';
const DOWNLOAD_TIMEOUT_MS = 120_000;

function header(req: RawRequest, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value.join(' ') : value;
}

/**
 * The exact received bytes. Node version 1 gets `rawBody` from n8n; when it is absent
 * (later n8n versions fill it only for some content types) n8n reads it on demand.
 */
async function readRawBody(req: RawRequest): Promise<Buffer> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') {
		await req.readRawBody();
	}
	const raw = req.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	return Buffer.alloc(0);
}

async function readWebhookSecret(ctx: IWebhookFunctions): Promise<string> {
	const credentials = await ctx.getCredentials('freepikApi');
	const secret = credentials.webhookSecret;
	return typeof secret === 'string' ? secret.trim() : '';
}

/** Answers the request here and starts no execution. */
function answerWithoutRun(
	ctx: IWebhookFunctions,
	status: number,
	message: string,
): IWebhookResponseData {
	ctx.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}

export class FreepikTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Freepik Trigger',
		name: 'freepikTrigger',
		icon: { light: 'file:freepik.svg', dark: 'file:freepik.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when Freepik (Magnific) reports an audio-isolation task status change',
		defaults: {
			name: 'Freepik Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'freepikApi',
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty: n8n 2.40 otherwise falls back to 'firstEntryJson' and answers that literal
				// string; with '' it answers {"message":"Workflow was started"}.
				responseData: '',
				path: 'freepik',
			},
		],
		properties: [
			{
				displayName:
					'Copy this node\'s Production URL (or the Test URL while testing) into the "Webhook URL" option of the Freepik node: Freepik then calls it whenever the task changes status. Signatures are checked with the Webhook Secret of the Freepik API credential; if that secret is empty, events are unverified and anyone who knows the URL can start this workflow.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Completed',
						value: 'COMPLETED',
						description: 'The task finished and its WAV result is ready',
					},
					{ name: 'Created', value: 'CREATED', description: 'The task was accepted' },
					{ name: 'Failed', value: 'FAILED', description: 'The task failed' },
					{ name: 'In Progress', value: 'IN_PROGRESS', description: 'The task is being processed' },
				],
				default: ['COMPLETED', 'FAILED'],
				required: true,
				description:
					'Task statuses that start the workflow. Other events are acknowledged and ignored.',
			},
			{
				displayName: 'Download Result',
				name: 'downloadResult',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the generated WAV file(s) of a completed task as binary data (the signed URLs expire)',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'outputBinaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				displayOptions: { show: { downloadResult: [true] } },
				description:
					'Binary field for the first file; further files go to &lt;field&gt;_1, &lt;field&gt;_2, …',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_TOLERANCE_SECONDS,
						description:
							'How far (past or future) the webhook-timestamp may be from now; older requests are refused as replays',
					},
				],
			},
		],
	};

	/**
	 * Freepik has no webhook registration API: the URL travels with each task (the Freepik
	 * node's "Webhook URL" option). Nothing to create or delete on Freepik's side.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject() as unknown as RawRequest;
		const rawBody = await readRawBody(req);
		const webhookId = header(req, 'webhook-id');
		const secret = await readWebhookSecret(this);
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const nodeName = this.getNode().name;

		if (secret === '') {
			this.logger.warn(
				`Freepik Trigger "${nodeName}": no Webhook Secret in the Freepik API credential, so events are unverified and accepted as they come`,
			);
		} else {
			const check = verifyWebhookSignature(
				{
					webhookId,
					timestamp: header(req, 'webhook-timestamp'),
					signatureHeader: header(req, 'webhook-signature'),
					rawBody,
				},
				{ secret, toleranceSeconds: options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS },
			);
			if (!check.valid) {
				this.logger.warn(
					`Freepik Trigger "${nodeName}": refused a webhook request (${check.reason})`,
					{ reason: check.reason, webhookId: webhookId ?? null },
				);
				return answerWithoutRun(this, 401, INVALID_SIGNATURE);
			}
		}

		const task = parseWebhookTask(rawBody, this.getBodyData());
		if (task === undefined) {
			this.logger.warn(`Freepik Trigger "${nodeName}": webhook body has no task_id/status`);
			return answerWithoutRun(this, 400, 'Invalid webhook payload');
		}

		// Per-process memory, see seenWebhookIds.ts for why not workflow static data.
		if (webhookId) {
			const scope = dedupeScope(this.getWorkflow().id, this.getNode().id);
			if (rememberWebhookId(scope, webhookId)) {
				this.logger.debug(`Freepik Trigger "${nodeName}": duplicate delivery ${webhookId} ignored`);
				return { webhookResponse: { message: 'Duplicate event ignored' } };
			}
		}

		const events = this.getNodeParameter('events', []) as string[];
		if (!events.includes(task.status.toUpperCase())) {
			return { webhookResponse: { message: `Event ${task.status} ignored` } };
		}

		const item: INodeExecutionData = {
			json: {
				task_id: task.task_id,
				status: task.status,
				generated: task.generated,
				webhookId: webhookId ?? null,
				receivedAt: new Date().toISOString(),
			},
		};

		const downloadResult = this.getNodeParameter('downloadResult', false) as boolean;
		if (!downloadResult || task.status.toUpperCase() !== 'COMPLETED' || task.generated.length === 0) {
			return { workflowData: [[item]] };
		}

		// Acknowledge before downloading, so Freepik is not kept waiting (or led to retry) while
		// the WAV files come in. The execution still starts with the returned workflowData.
		this.getResponseObject().status(200).json({ message: 'Workflow was started' });
		const propertyName = this.getNodeParameter('outputBinaryPropertyName', 'data') as string;
		try {
			// Shared helper: plain httpRequest, so the API key never reaches the file host.
			item.binary = await downloadGeneratedFiles(this, task, propertyName, {
				timeoutMs: DOWNLOAD_TIMEOUT_MS,
			});
		} catch (error) {
			// The event was acknowledged: hand it on with the reason instead of losing it. The
			// task can be fetched again with the Freepik node while the URLs are still valid.
			const message = error instanceof Error ? error.message : String(error);
			(item.json as IDataObject).downloadError = message;
			this.logger.warn(`Freepik Trigger "${nodeName}": downloading the result failed: ${message}`);
		}
		return { noWebhookResponse: true, workflowData: [[item]] };
	}
}
