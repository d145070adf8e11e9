import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { downloadGeneratedFiles } from '../helpers/binary';
import type { FreepikTask } from '../helpers/types';
import { parseWebhookTask } from '../webhook/payload';
import { dedupeScope, rememberWebhookId } from './seenWebhookIds';
import { answer, checkSignature, readWebhookSecrets, type Delivery } from '../webhook/delivery';
import { DEFAULT_TOLERANCE_SECONDS } from '../webhook/signature';

interface TriggerOptions {
	toleranceSeconds?: number;
}

const INVALID_SIGNATURE = 'Invalid webhook signature';
const DOWNLOAD_TIMEOUT_MS = 120_000;

/** Put on the item instead of downloading when the event could not be verified. */
export const UNSIGNED_DOWNLOAD_NOTE =
	'Not downloaded: this event was not signed, so its file URLs could come from anyone. ' +
	'Downloading needs a Webhook Secret in the Freepik API credential (then events are ' +
	'verified first). ' +
	"Use the Freepik node's Get operation with this task ID to download the result.";

/**
 * Checks the signature when the credential has a webhook secret. Returns whether the event is
 * verified, or the refusal to answer with.
 */
export async function authenticate(
	ctx: IWebhookFunctions,
	delivery: Delivery,
): Promise<{ signed: boolean; refusal?: IWebhookResponseData }> {
	const secrets = await readWebhookSecrets(ctx);
	if (secrets.length === 0) {
		ctx.logger.warn(
			`Freepik Trigger "${delivery.nodeName}": no Webhook Secret in the Freepik API ` +
				'credential, so events are unverified and accepted as they come (their results are not ' +
				'downloaded)',
		);
		return { signed: false };
	}
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	const check = checkSignature(
		delivery,
		secrets,
		options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
	);
	if (check.valid) return { signed: true };
	ctx.logger.warn(
		`Freepik Trigger "${delivery.nodeName}": refused a webhook request (${check.reason})`,
		{
			reason: check.reason,
			webhookId: delivery.webhookId ?? null,
		},
	);
	return { signed: false, refusal: answer(ctx, 401, INVALID_SIGNATURE) };
}

/**
 * The task the event carries, once per webhook-id and only for a selected status; otherwise the
 * answer to give without a run.
 */
export function acceptTask(
	ctx: IWebhookFunctions,
	delivery: Delivery,
): { task: FreepikTask; skip?: undefined } | { task?: undefined; skip: IWebhookResponseData } {
	const task = parseWebhookTask(delivery.rawBody, ctx.getBodyData());
	if (task === undefined) {
		ctx.logger.warn(`Freepik Trigger "${delivery.nodeName}": webhook body has no task_id/status`);
		return { skip: answer(ctx, 400, 'Invalid webhook payload') };
	}
	// Per-process memory, see seenWebhookIds.ts for why not workflow static data.
	if (delivery.webhookId) {
		const scope = dedupeScope(ctx.getWorkflow().id, ctx.getNode().id);
		if (rememberWebhookId(scope, delivery.webhookId)) {
			ctx.logger.debug(
				`Freepik Trigger "${delivery.nodeName}": duplicate delivery ${delivery.webhookId} ignored`,
			);
			return { skip: { webhookResponse: { message: 'Duplicate event ignored' } } };
		}
	}
	const events = ctx.getNodeParameter('events', []) as string[];
	if (!events.includes(task.status.toUpperCase())) {
		return { skip: { webhookResponse: { message: `Event ${task.status} ignored` } } };
	}
	return { task };
}

export function taskItem(task: FreepikTask, delivery: Delivery): INodeExecutionData {
	return {
		json: {
			task_id: task.task_id,
			status: task.status,
			generated: task.generated,
			webhookId: delivery.webhookId ?? null,
			receivedAt: new Date().toISOString(),
		},
	};
}

function isHttpUrl(text: string): boolean {
	try {
		const { protocol } = new URL(text);
		return protocol === 'https:' || protocol === 'http:';
	} catch {
		return false;
	}
}

/**
 * Downloads the results of a signed COMPLETED event into the item (after acknowledging, so Freepik
 * is not kept waiting). Unsigned events are never fetched: anyone could have chosen the URLs.
 */
export async function attachResults(
	ctx: IWebhookFunctions,
	delivery: Delivery,
	task: FreepikTask,
	item: INodeExecutionData,
	signed: boolean,
): Promise<IWebhookResponseData> {
	const downloadResult = ctx.getNodeParameter('downloadResult', false) as boolean;
	if (!downloadResult || task.status.toUpperCase() !== 'COMPLETED' || task.generated.length === 0) {
		return { workflowData: [[item]] };
	}
	const json = item.json as IDataObject;
	if (!signed) {
		json.downloadSkipped = UNSIGNED_DOWNLOAD_NOTE;
		return { workflowData: [[item]] };
	}
	const urls = task.generated.filter(isHttpUrl);
	if (urls.length < task.generated.length) {
		json.downloadError = 'Not downloaded: a generated file URL is not an http(s) URL';
		return { workflowData: [[item]] };
	}
	ctx.getResponseObject().status(200).json({ message: 'Workflow was started' });
	const propertyName = ctx.getNodeParameter('outputBinaryPropertyName', 'data') as string;
	try {
		// Shared helper: plain httpRequest, so the API key never reaches the file host.
		item.binary = await downloadGeneratedFiles(ctx, task, propertyName, {
			timeoutMs: DOWNLOAD_TIMEOUT_MS,
		});
	} catch (error) {
		// The event was acknowledged: hand it on with the reason instead of losing it. The
		// task can be fetched again with the Freepik node while the URLs are still valid.
		const message = error instanceof Error ? error.message : String(error);
		json.downloadError = message;
		ctx.logger.warn(
			`Freepik Trigger "${delivery.nodeName}": downloading the result failed: ${message}`,
		);
	}
	return { noWebhookResponse: true, workflowData: [[item]] };
}
