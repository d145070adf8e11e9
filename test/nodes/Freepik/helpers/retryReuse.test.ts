/**
 * EarlierTries on a virtual clock (jest's fake Date): a try may wait for hours (Max Wait Time up to
 * 24 h), yet what it knows must still be there for the next try, which starts seconds after it ends.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import type { TaskJob, TaskOutcome } from '../../../../nodes/Freepik/helpers/jobTypes';
import { FreepikOperationError } from '../../../../nodes/Freepik/helpers/errors';
import {
	recall,
	RECORD_TTL_MS,
	remember,
	type RunScope,
} from '../../../../nodes/Freepik/helpers/retryLedger';
import {
	EarlierTries,
	endTry,
	retryScope,
	startTry,
} from '../../../../nodes/Freepik/helpers/retryReuse';

const node = { id: 'n1', name: 'Freepik', retryOnFail: true } as INode;
const warnings: string[] = [];
const ctx = {
	getNode: () => node,
	logger: { warn: (message: string) => warnings.push(message) },
} as unknown as IExecuteFunctions;
const scope: RunScope = { executionId: '7', nodeId: 'n1', runIndex: 0 };
const wait = { pollIntervalMs: 1000, maxWaitMs: 24 * 3600_000 };
const job = (itemIndex: number): TaskJob<string> => ({
	kind: 'createAndWait',
	itemIndex,
	body: 'body',
	wait,
	requestHash: () => `hash-${itemIndex}`,
});
const failed = (itemIndex: number, taskId: string): TaskOutcome => ({
	itemIndex,
	ok: false,
	failure: { kind: 'failed' },
	task: { task_id: taskId, status: 'FAILED', generated: [] },
});
const TRY_LONGER_THAN_TTL = RECORD_TTL_MS * 3;

describe('EarlierTries', () => {
	beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
	afterEach(() => jest.useRealTimers());

	it('a FAILED item is submitted again; its record survives a try longer than the TTL', () => {
		remember(scope, 0, { taskIds: ['A'], resubmit: true });
		const tries = new EarlierTries<string>(ctx, scope);
		const create = job(0);
		expect(tries.plan([create]).jobs).toEqual([create]);
		jest.setSystemTime(Date.now() + TRY_LONGER_THAN_TTL);
		const [outcome] = tries.record([failed(0, 'B')]);
		expect(outcome.earlierTaskIds).toEqual(['A']);
		expect(recall(scope, 0)).toMatchObject({ taskIds: ['A', 'B'], resubmit: true });
	});

	it('a task that did not FAIL is waited for again, not created', () => {
		remember(scope, 1, {
			taskIds: ['A'],
			status: 'IN_PROGRESS',
			resubmit: false,
			requestHash: 'hash-1',
		});
		const { jobs } = new EarlierTries<string>(ctx, scope).plan([job(1)]);
		expect(jobs).toEqual([{ kind: 'getAndWait', itemIndex: 1, taskId: 'A', wait }]);
	});

	it('a create whose answer was lost is answered, not sent, and stays recorded after a long try', () => {
		const ambiguous = { message: 'lost', description: 'check Get Many' };
		remember(scope, 2, { taskIds: ['A'], resubmit: true, ambiguous });
		const tries = new EarlierTries<string>(ctx, scope);
		const { jobs, answered } = tries.plan([job(2), job(3)]);
		expect(jobs).toEqual([expect.objectContaining({ kind: 'createAndWait', itemIndex: 3 })]);
		expect(answered).toMatchObject([{ itemIndex: 2, ok: false, earlierTaskIds: ['A'] }]);
		jest.setSystemTime(Date.now() + TRY_LONGER_THAN_TTL);
		tries.record([failed(3, 'C')]);
		expect(recall(scope, 2)?.ambiguous).toEqual(ambiguous);
	});

	it('a request that changed since the last try (e.g. $now) reuses the task or the lost create, saying so', () => {
		warnings.length = 0;
		const ambiguous = { message: 'lost' };
		remember(scope, 4, { taskIds: ['A'], resubmit: false, requestHash: 'old-4' });
		remember(scope, 5, { taskIds: [], resubmit: false, requestHash: 'old-5', ambiguous });
		const { jobs, answered } = new EarlierTries<string>(ctx, scope).plan([job(4), job(5)]);
		expect(jobs).toEqual([{ kind: 'getAndWait', itemIndex: 4, taskId: 'A', wait }]);
		expect(answered).toMatchObject([{ itemIndex: 5, ok: false }]);
		expect(warnings).toEqual([
			expect.stringMatching(/item 4: .*different request.*keeps its task A/),
			expect.stringMatching(/item 5: .*does not send its create again/),
		]);
	});

	it('a create cut off by a cancel, or whose answer was lost, is never sent again', () => {
		const tries = new EarlierTries<string>(ctx, scope);
		tries.plan([job(6), job(7)]);
		const lost = new FreepikOperationError(node, 'socket hang up', {}, { mayHaveCreated: true });
		tries.record([
			{ itemIndex: 6, ok: false, failure: { kind: 'cancelled' }, createInFlight: true },
			{ itemIndex: 7, ok: false, failure: { kind: 'error', error: lost } },
		]);
		expect(recall(scope, 6)?.ambiguous?.message).toMatch(/create was in flight/);
		expect(recall(scope, 7)?.ambiguous?.message).toBe('socket hang up');
		const { jobs, answered } = new EarlierTries<string>(ctx, scope).plan([job(6), job(7)]);
		expect(jobs).toEqual([]);
		expect(answered.map((outcome) => outcome.itemIndex)).toEqual([6, 7]);
	});

	it('an item whose create was refused (no task) is sent again; an earlier task stays named', () => {
		remember(scope, 8, { taskIds: ['A'], status: 'FAILED', resubmit: true, requestHash: 'hash-8' });
		const tries = new EarlierTries<string>(ctx, scope);
		tries.plan([job(8), job(9)]);
		const refused = new Error('400 Bad Request');
		const [eight, nine] = tries.record([
			{ itemIndex: 8, ok: false, failure: { kind: 'error', error: refused } },
			{ itemIndex: 9, ok: false, failure: { kind: 'error', error: refused } },
		]);
		expect(eight.earlierTaskIds).toEqual(['A']);
		expect(recall(scope, 8)).toMatchObject({ taskIds: ['A'], resubmit: true });
		expect(nine.earlierTaskIds).toBeUndefined();
		expect(recall(scope, 9)).toBeUndefined();
	});

	it('jobs that create nothing (Get) pass through, and their outcomes are left as they are', () => {
		const tries = new EarlierTries<string>(ctx, scope);
		const get: TaskJob<string> = { kind: 'getOnce', itemIndex: 0, taskId: 'T', pollIntervalMs: 0 };
		expect(tries.plan([get]).jobs).toEqual([get]);
		expect(tries.record([failed(0, 'T')])).toEqual([failed(0, 'T')]);
	});

	it('is off without an execution id, and keys the node by its name when it has no id', () => {
		const withNode = (n: Partial<INode>, executionId?: string) =>
			({
				getNode: () => ({ ...node, ...n }),
				getExecutionId: () => executionId,
				getWorkflowDataProxy: () => ({ $runIndex: 2 }),
			}) as unknown as IExecuteFunctions;
		expect(retryScope(withNode({}, undefined))).toBeUndefined();
		expect(retryScope(withNode({ retryOnFail: false }, '9'))).toBeUndefined();
		expect(retryScope(withNode({ id: '' }, '9'))).toEqual({
			executionId: '9',
			nodeId: 'Freepik',
			runIndex: 2,
		});
	});

	it.each([
		[2, 2],
		[undefined, 3],
		[10, 5],
	])(
		"Max Tries %s: records are kept after a failed try until try %i, n8n's last",
		(maxTries, last) => {
			const run = {
				getNode: () => ({ ...node, maxTries }),
				getExecutionId: () => '7',
				getWorkflowDataProxy: () => ({ $runIndex: 0 }),
			} as unknown as IExecuteFunctions;
			remember(scope, 0, { taskIds: ['A'], resubmit: true });
			for (let tryNumber = 1; tryNumber <= last; tryNumber++) {
				expect(recall(scope, 0)).toBeDefined();
				startTry(run);
				// A throw ends the first tries, a Continue On Fail error item the last one.
				endTry(run, tryNumber < last ? undefined : [[{ json: { error: 'FAILED' } }]]);
			}
			expect(recall(scope, 0)).toBeUndefined();
		},
	);

	it('a try that returns without an error item ends the run', () => {
		const run = {
			getNode: () => node,
			getExecutionId: () => '7',
			getWorkflowDataProxy: () => ({ $runIndex: 0 }),
		} as unknown as IExecuteFunctions;
		remember(scope, 0, { taskIds: ['A'], resubmit: false });
		startTry(run);
		endTry(run, [[{ json: { task_id: 'A' } }]]);
		expect(recall(scope, 0)).toBeUndefined();
	});

	it('does nothing without a scope (Retry On Fail off)', () => {
		const tries = new EarlierTries<string>(ctx, undefined);
		expect(tries.plan([job(0)]).jobs).toHaveLength(1);
		expect(tries.record([failed(0, 'B')])).toEqual([failed(0, 'B')]);
		expect(recall(scope, 0)).toBeUndefined();
	});
});
