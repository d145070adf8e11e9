import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TaskJob, TaskOutcome, WaitSettings } from '../helpers/jobTypes';
import { eachItem, runJobs, type BatchSettings } from '../engine/batch';
import { FIELDS } from '../helpers/fields';
import { sha256 } from '../helpers/hash';
import { isAmbiguous, runIndexOf } from '../helpers/retryReuse';
import { isToolMode, toOutputItems } from '../helpers/outputs';
import { invalidMessage } from '../helpers/validation';
import type { RequestBody } from '../transport';
import {
	CUSTOM_DATA_KEY_LIMIT,
	isOwnKey,
	keysNeeded,
	largestBatch,
	MAX_FIELD_NAME_LENGTH,
	packBatch,
	unpackBatch,
	type ResumeBatch,
} from './packing';
import { callbackUrl, isLocalUrl } from './urls';

/** The execution custom data API of n8n 2.x (absent on 1.x). */
interface CustomData {
	setAll(values: Record<string, string>): void;
	getAll(): Record<string, unknown>;
}

/** One item's create request in Resume on Webhook mode, and how long to wait for it. */
export interface CallbackJob {
	job: Extract<TaskJob<RequestBody>, { kind: 'createOnly' }>;
	wait: WaitSettings;
}

const MODE = 'Wait Mode "Resume on Webhook"';

function fail(ctx: IExecuteFunctions, message: string, description: string): never {
	throw new NodeOperationError(ctx.getNode(), message, {
		description: `${description} Nothing was sent to Freepik.`,
	});
}

function customDataOf(ctx: IExecuteFunctions): CustomData | undefined {
	try {
		const data = (ctx as unknown as { customData?: CustomData }).customData;
		return typeof data?.setAll === 'function' && typeof data.getAll === 'function'
			? data
			: undefined;
	} catch {
		return undefined;
	}
}

/** Everything this mode needs from n8n and the credential, checked before any request. */
async function checkPrerequisites(
	ctx: IExecuteFunctions,
): Promise<{ customData: CustomData; resumeUrl: string }> {
	if (isToolMode(ctx)) {
		fail(
			ctx,
			`${MODE} is not available when the node runs as an AI tool`,
			'An agent needs the result in the same run: set Wait Mode to "Poll".',
		);
	}
	const customData = customDataOf(ctx);
	const resumeUrl = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	if (!customData || !/[?&]signature=/.test(resumeUrl)) {
		fail(
			ctx,
			`${MODE} needs n8n 2.0 or later`,
			'This n8n cannot keep the task ids while the execution waits (no execution custom data ' +
				'or resume token). Set Wait Mode to "Poll", or update n8n.',
		);
	}
	const credentials = await ctx.getCredentials('freepikApi');
	if (typeof credentials.webhookSecret !== 'string' || credentials.webhookSecret.trim() === '') {
		fail(
			ctx,
			`${MODE} needs a Webhook Secret in the Freepik API credential`,
			'The node only resumes on callbacks signed with your Freepik webhook secret. Add it to ' +
				'the credential (Freepik dashboard → webhooks), or set Wait Mode to "Poll".',
		);
	}
	return { customData, resumeUrl };
}

/** Refuses a batch whose task ids would not fit into the custom data n8n keeps. */
function checkCapacity(ctx: IExecuteFunctions, customData: CustomData, itemCount: number): number {
	const keysInUse = Object.keys(customData.getAll()).filter((key) => !isOwnKey(key)).length;
	const largest = largestBatch(keysInUse);
	if (keysNeeded(itemCount) > CUSTOM_DATA_KEY_LIMIT - keysInUse) {
		const others = keysInUse
			? ` (this execution already uses ${keysInUse} of n8n's ${CUSTOM_DATA_KEY_LIMIT} custom ` +
				'data keys)'
			: '';
		fail(
			ctx,
			`${MODE} takes at most ${largest} items per run, got ${itemCount}${others}`,
			'n8n keeps the task ids of a waiting execution in its custom data (10 keys of 512 ' +
				'characters). Split the input (Loop Over Items) or set Wait Mode to "Poll".',
		);
	}
	return CUSTOM_DATA_KEY_LIMIT - keysInUse;
}

function sameDownloadField(ctx: IExecuteFunctions, jobs: CallbackJob[]): string | undefined {
	const fields = new Set(jobs.map(({ wait }) => wait.downloadTo ?? ''));
	if (fields.size > 1) {
		fail(
			ctx,
			`${MODE}: "Download Result" and "Put Output File in Field" must be the same for every item`,
			'The whole batch resumes at once with one setting.',
		);
	}
	const field = jobs[0]?.wait.downloadTo;
	if (field !== undefined && field.length > MAX_FIELD_NAME_LENGTH) {
		fail(
			ctx,
			invalidMessage(
				FIELDS.outputBinaryPropertyName.label,
				`at most ${MAX_FIELD_NAME_LENGTH} characters with ${MODE}`,
			),
			'The field name is kept with the waiting execution.',
		);
	}
	return field;
}

/** The task id each input item got (null: none), and the items whose create's answer was lost. */
function batchOf(itemCount: number, outcomes: TaskOutcome[]): ResumeBatch {
	const taskIds: Array<string | null> = new Array(itemCount).fill(null);
	for (const outcome of outcomes) taskIds[outcome.itemIndex] = outcome.task?.task_id ?? null;
	const uncertain = outcomes.filter(isAmbiguous).map((o) => o.itemIndex);
	return { taskIds, ...(uncertain.length ? { uncertain: uncertain.sort((a, b) => a - b) } : {}) };
}

/**
 * This wait among all waits: of this execution (a loop runs the node again, or two nodes wait) and
 * of every other execution of the workflow, whose node and run index are the same. The same in
 * every try of a run (Retry On Fail), so a rerun's batch still adopts an earlier try's lost create.
 */
export function waitIdOf(ctx: IExecuteFunctions): string {
	const node = ctx.getNode();
	const executionId = ctx.getExecutionId?.() ?? '';
	return sha256(`${executionId}|${node.id || node.name}|${runIndexOf(ctx)}`).slice(0, 12);
}

const sameBatch = (a: ResumeBatch | undefined, b: ResumeBatch) =>
	a !== undefined &&
	a.taskIds.join(',') === b.taskIds.join(',') &&
	(a.uncertain ?? []).join(',') === (b.uncertain ?? []).join(',') &&
	a.waitId === b.waitId;

function keep(
	ctx: IExecuteFunctions,
	customData: CustomData,
	batch: ResumeBatch,
	freeKeys: number,
): void {
	const listed = batch.taskIds.filter(Boolean).join(', ');
	try {
		customData.setAll(packBatch(batch, freeKeys, customData.getAll()));
		if (sameBatch(unpackBatch(customData.getAll()), batch)) return;
		throw new Error('n8n did not keep the custom data');
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The task ids could not be kept while the execution waits: ${(error as Error).message}`,
			{
				description:
					'The tasks were created and keep running on Freepik; pick them up with the Get ' +
					`operation. Task IDs: ${listed}`,
			},
		);
	}
}

function warnUnfinished(ctx: IExecuteFunctions, outcomes: TaskOutcome[]): void {
	for (const outcome of outcomes) {
		if (outcome.ok) continue;
		ctx.logger.warn(
			isAmbiguous(outcome)
				? `Freepik: item ${outcome.itemIndex}: the create's answer was lost, a task may exist; ` +
						'the batch waits for a callback naming it (until Max Wait Time)'
				: `Freepik: item ${outcome.itemIndex} has no task and resumes as an error item`,
		);
	}
}

/**
 * Resume on Webhook: submits every item's task with this execution's resume URL as its
 * `webhook_url`, keeps the task ids in the execution's custom data and puts the execution to wait
 * until the last Max Wait Time. Nothing keeps running meanwhile; the node's webhook() takes over.
 * The operation passes its `readBatchSettings` in: resume sits below the operations.
 */
export async function submitForCallbacks(
	ctx: IExecuteFunctions,
	itemCount: number,
	settings: BatchSettings,
	jobOf: (itemIndex: number, webhookUrl: string) => CallbackJob | Promise<CallbackJob>,
): Promise<INodeExecutionData[]> {
	const { customData, resumeUrl } = await checkPrerequisites(ctx);
	const freeKeys = checkCapacity(ctx, customData, itemCount);
	const continueOnFail = ctx.continueOnFail();
	const waitId = waitIdOf(ctx);
	const { done, failed } = await eachItem(ctx, itemCount, (i) =>
		jobOf(i, callbackUrl(resumeUrl, i, waitId)),
	);
	const jobs = done.map(({ value }) => value);
	const downloadTo = sameDownloadField(ctx, jobs);
	if (isLocalUrl(resumeUrl)) {
		ctx.logger.warn(
			`Freepik: the resume URL ${new URL(resumeUrl).origin} is local, so Freepik cannot call ` +
				`it back. Set WEBHOOK_URL to n8n's public address.`,
		);
	}

	const outcomes = [
		...failed,
		...(await runJobs(
			ctx,
			settings,
			jobs.map(({ job }) => job),
		)),
	];
	const batch = { ...batchOf(itemCount, outcomes), waitId };
	if (!continueOnFail && outcomes.some((o) => !o.ok)) return toOutputItems(ctx, outcomes, false);
	const { taskIds, uncertain } = batch;
	if (taskIds.every((id) => id === null) && !uncertain)
		return toOutputItems(ctx, outcomes, continueOnFail);
	warnUnfinished(ctx, outcomes);

	keep(
		ctx,
		customData,
		{ ...batch, ...(downloadTo !== undefined ? { downloadTo } : {}) },
		freeKeys,
	);
	const maxWaitMs = Math.max(...jobs.map(({ wait }) => wait.maxWaitMs));
	const deadline = new Date(Date.now() + maxWaitMs);
	await ctx.putExecutionToWait(deadline);
	ctx.logger.info(
		`Freepik: ${taskIds.filter(Boolean).length} task(s) submitted; the execution waits for ` +
			`Freepik's callbacks until ${deadline.toISOString()}`,
	);
	return ctx
		.getInputData()
		.map(
			(item, index) =>
				({ ...item, pairedItem: { item: index } }) as INodeExecutionData & { json: IDataObject },
		);
}
