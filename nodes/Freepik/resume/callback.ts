import type {
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { answer, checkSignature, readDelivery, readWebhookSecrets } from '../webhook/delivery';
import { parseWebhookTask } from '../webhook/payload';
import { DEFAULT_TOLERANCE_SECONDS } from '../webhook/signature';
import type { TaskClient, TaskOutcome } from '../helpers/jobTypes';
import { taskClient, type Tuning } from '../engine/batch';
import { DEFAULTS } from '../helpers/limits';
import { toOutputItems } from '../helpers/outputs';
import { hasStatus, type FreepikTask } from '../helpers/types';
import { FreepikClient } from '../transport';
import { unpackBatch, type ResumeBatch } from './packing';
import { progressOf, type BatchProgress } from './progress';
import { ITEM_PARAM, WAIT_PARAM } from './urls';

const isFinal = (task: FreepikTask) => hasStatus(task, 'COMPLETED') || hasStatus(task, 'FAILED');

/**
 * The shared helpers (Freepik client, downloads, output items) take an execute context; the
 * webhook context has every member they use (credentials, HTTP and binary helpers, logger, node).
 */
const asExecuteContext = (ctx: IWebhookFunctions) => ctx as unknown as IExecuteFunctions;

function readBatch(ctx: IWebhookFunctions): ResumeBatch | undefined {
	try {
		const customData = (ctx as unknown as { customData?: { getAll(): Record<string, unknown> } })
			.customData;
		return customData ? unpackBatch(customData.getAll()) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The item a callback is about: the `item` query parameter, confirmed by the task id. A task this
 * batch does not know is adopted by an item whose create's answer was lost, when the callback's
 * URL (which Freepik only has from that create) names the item and this wait.
 */
function itemOf(
	ctx: IWebhookFunctions,
	batch: ResumeBatch,
	progress: BatchProgress,
	task: FreepikTask,
): number {
	const query = ctx.getQueryData() as Record<string, unknown>;
	const fromQuery = Number(query[ITEM_PARAM]);
	if (batch.taskIds[fromQuery] === task.task_id) return fromQuery;
	const known = batch.taskIds.indexOf(task.task_id);
	const uncertain = batch.uncertain?.includes(fromQuery) && batch.taskIds[fromQuery] === null;
	if (known >= 0 || !uncertain || !batch.waitId || query[WAIT_PARAM] !== batch.waitId) return known;
	progress.adopted.set(fromQuery, task.task_id);
	batch.taskIds[fromQuery] = task.task_id;
	ctx.logger.info(
		`Freepik "${ctx.getNode().name}": item ${fromQuery}, whose create's answer was lost, ` +
			`got task ${task.task_id} from its callback`,
	);
	return fromQuery;
}

/** The kept batch with the tasks callbacks gave its uncertain items (a copy). */
function withAdopted(kept: ResumeBatch, progress: BatchProgress): ResumeBatch {
	const taskIds = [...kept.taskIds];
	for (const [index, taskId] of progress.adopted) taskIds[index] = taskId;
	return { ...kept, taskIds };
}

const keyOf = (batch: ResumeBatch) => `${batch.waitId ?? ''}:${batch.taskIds.join(',')}`;

/**
 * The node's Tuning as the callback's client needs it (read by the operations' layer, which owns the
 * fields), so the callback's look-ups share the host's limiter at the node's own rates.
 */
export type ReadClientSettings = (ctx: IWebhookFunctions) => Tuning['client'];

/**
 * The node's webhook(): Freepik's callbacks to the execution's resume URL. Never throws (n8n would
 * resume the execution with empty data): every path answers the request itself and only returns
 * workflowData when every task of the batch is final.
 */
export async function resumeOnCallback(
	ctx: IWebhookFunctions,
	tuning: Tuning,
	readClientSettings: ReadClientSettings,
): Promise<IWebhookResponseData> {
	try {
		return await handleCallback(ctx, tuning, readClientSettings);
	} catch (error) {
		ctx.logger.error(
			'Freepik: a callback could not be handled, the execution keeps waiting: ' +
				`${(error as Error).message}`,
		);
		return answer(ctx, 500, 'The callback could not be handled');
	}
}

/** The raw body of a callback signed with the credential's Webhook Secret; undefined otherwise. */
async function verifiedBody(ctx: IWebhookFunctions, nodeName: string): Promise<Buffer | undefined> {
	const delivery = await readDelivery(ctx);
	const secrets = await readWebhookSecrets(ctx);
	const check = checkSignature(delivery, secrets, DEFAULT_TOLERANCE_SECONDS);
	if (secrets.length && check.valid) return delivery.rawBody;
	ctx.logger.warn(
		`Freepik "${nodeName}": refused a callback ` +
			`(${secrets.length ? (check as { reason: string }).reason : 'no Webhook Secret'})`,
	);
	return undefined;
}

async function handleCallback(
	ctx: IWebhookFunctions,
	tuning: Tuning,
	readClientSettings: ReadClientSettings,
): Promise<IWebhookResponseData> {
	const nodeName = ctx.getNode().name;
	const kept = readBatch(ctx);
	if (!kept) {
		ctx.logger.warn(
			`Freepik "${nodeName}": a callback arrived but this execution holds no Freepik tasks`,
		);
		return answer(ctx, 409, 'This execution is not waiting for Freepik tasks');
	}

	const rawBody = await verifiedBody(ctx, nodeName);
	if (!rawBody) return answer(ctx, 401, 'Invalid webhook signature');

	const task = parseWebhookTask(rawBody, ctx.getBodyData());
	if (!task) return answer(ctx, 400, 'Invalid webhook payload');
	const progress = progressOf(keyOf(kept));
	const batch = withAdopted(kept, progress);
	const itemIndex = itemOf(ctx, batch, progress, task);
	if (itemIndex < 0) {
		ctx.logger.warn(
			`Freepik "${nodeName}": a callback for task ${task.task_id}, which is not part of this ` +
				'execution, was ignored',
		);
		return answer(ctx, 200, 'Not a task of this execution: ignored');
	}
	if (!isFinal(task))
		return answer(ctx, 200, `Task ${task.task_id} is ${task.status}: still waiting`);

	progress.final.set(itemIndex, task);
	// Acknowledge at once: Freepik is not kept waiting (or led
	// to retry) during look-ups and downloads.
	answer(ctx, 200, `Task ${task.task_id} is ${task.status}`);
	if (progress.resuming) return { noWebhookResponse: true };

	const client = await FreepikClient.create(asExecuteContext(ctx), {
		...tuning.client,
		...readClientSettings(ctx),
	});
	// A process that has not seen this batch before may have missed callbacks (a restart, another
	// webhook process): look the unfinished tasks up once. Otherwise their own callbacks will come.
	if (!progress.lookedUp) {
		progress.lookedUp = true;
		await lookUpUnfinished(ctx, batch, progress, client);
	}
	if (!allFinal(batch, progress) || progress.resuming) return { noWebhookResponse: true };

	// Kept (not forgotten) so a repeated callback during the downloads cannot resume a second time.
	progress.resuming = true;
	ctx.logger.info(
		`Freepik "${nodeName}": every task of the batch is final, resuming the execution`,
	);
	const outcomes = await outcomesOf(
		ctx,
		batch,
		progress,
		taskClient(client, asExecuteContext(ctx), tuning.download ?? {}),
	);
	return { noWebhookResponse: true, workflowData: [outputItems(ctx, outcomes)] };
}

/**
 * Items the batch still waits for: a task that is not final yet, and an item whose create's answer
 * was lost until a final callback names its task (a task may exist and call back later: resuming
 * without it would leave that task in no output; if none exists, the wait ends at its deadline).
 */
const unfinishedItems = (batch: ResumeBatch, progress: BatchProgress) =>
	batch.taskIds.flatMap((id, index) =>
		(id !== null || batch.uncertain?.includes(index)) && !progress.final.has(index) ? [index] : [],
	);

const allFinal = (batch: ResumeBatch, progress: BatchProgress) =>
	unfinishedItems(batch, progress).length === 0;

async function lookUpUnfinished(
	ctx: IWebhookFunctions,
	batch: ResumeBatch,
	progress: BatchProgress,
	client: FreepikClient,
) {
	const known = unfinishedItems(batch, progress).filter((index) => batch.taskIds[index] !== null);
	await Promise.all(
		known.map(async (index) => {
			try {
				const task = await client.getTask(batch.taskIds[index]!, index);
				if (isFinal(task)) progress.final.set(index, task);
			} catch (error) {
				ctx.logger.warn(
					`Freepik: looking up task ${batch.taskIds[index]} failed, waiting for its ` +
						`callback: ${(error as Error).message}`,
				);
			}
		}),
	);
}

const noTaskError = (ctx: IWebhookFunctions) =>
	new NodeOperationError(ctx.getNode(), 'No task was created for this item', {
		description:
			'Its parameters were invalid or Freepik refused it before the execution waited ' +
			'(Continue On Fail); the reason is in the n8n log of that run.',
	});

/** Each item's outcome, results downloaded a few at a time. */
async function outcomesOf(
	ctx: IWebhookFunctions,
	batch: ResumeBatch,
	progress: BatchProgress,
	client: TaskClient<unknown>,
): Promise<TaskOutcome[]> {
	const outcomes: TaskOutcome[] = new Array(batch.taskIds.length);
	const pending = batch.taskIds.map((_, index) => index);
	const worker = async () => {
		for (let index = pending.shift(); index !== undefined; index = pending.shift()) {
			outcomes[index] = await outcomeOf(ctx, batch, index, progress.final.get(index), client);
		}
	};
	await Promise.all(Array.from({ length: DEFAULTS.downloadConcurrency }, worker));
	return outcomes;
}

async function outcomeOf(
	ctx: IWebhookFunctions,
	batch: ResumeBatch,
	itemIndex: number,
	known: FreepikTask | undefined,
	client: TaskClient<unknown>,
): Promise<TaskOutcome> {
	// Only an item without a task gets here: the batch resumes once every task and every item whose
	// create's answer was lost (unfinishedItems) is final.
	if (!known) return { itemIndex, ok: false, failure: { kind: 'error', error: noTaskError(ctx) } };
	let task = known;
	if (hasStatus(task, 'FAILED')) return { itemIndex, ok: false, failure: { kind: 'failed' }, task };
	if (batch.downloadTo === undefined) return { itemIndex, ok: true, task };
	try {
		// A callback may come a moment before Freepik lists the files: ask once more.
		if (!task.generated.length) task = await client.get(task.task_id, itemIndex);
		if (!task.generated.length)
			return { itemIndex, ok: false, failure: { kind: 'noResultFiles' }, task };
		return {
			itemIndex,
			ok: true,
			task,
			binary: await client.download(task, batch.downloadTo, itemIndex),
		};
	} catch (error) {
		return { itemIndex, ok: false, failure: { kind: 'error', error: error as Error }, task };
	}
}

/**
 * Output items as in Poll mode, except that a failed item is always an error item
 * `{ task_id, status, error, errorDescription }`: webhook() cannot fail the execution without
 * n8n dropping its run data.
 */
function outputItems(ctx: IWebhookFunctions, outcomes: TaskOutcome[]): INodeExecutionData[] {
	const failed = outcomes.filter((o) => !o.ok).length;
	if (failed)
		ctx.logger.warn(
			`Freepik "${ctx.getNode().name}": ${failed} of ${outcomes.length} item(s) resume as error items`,
		);
	return toOutputItems(asExecuteContext(ctx), outcomes, true);
}
