/** helpers/outputs.ts as a unit: every failure becomes an n8n error naming its task; tool mode puts the fix in the message. */
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Failure, TaskOutcome } from '../../../../nodes/Freepik/helpers/jobTypes';
import {
	errorItemJson,
	isToolMode,
	namesTask,
	outcomeError,
	presentError,
	toOutputItems,
} from '../../../../nodes/Freepik/helpers/outputs';
import { failedTaskMessage } from '../../../../nodes/Freepik/helpers/messages';

const nodeOfType = (type: string): INode => ({
	id: '1',
	name: 'Freepik',
	type,
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
});
const ctxFor = (type = 'n8n-nodes-freepik.freepik') =>
	({ getNode: () => nodeOfType(type) }) as unknown as IExecuteFunctions;
const task = { task_id: 'task-7', status: 'IN_PROGRESS', generated: [] };
const failedOutcome = (
	failure: Failure,
	withTask = true,
	itemIndex = 0,
): Extract<TaskOutcome, { ok: false }> => ({
	itemIndex,
	ok: false,
	failure,
	...(withTask ? { task } : {}),
});

describe('outputs: errors built once', () => {
	it.each<[Failure, RegExp, RegExp]>([
		[{ kind: 'failed' }, /^Freepik task task-7 FAILED$/, /likely|Check that the input/],
		[
			{ kind: 'timeout', maxWaitMs: 60_000 },
			/did not finish within 60 s \(last status: IN_PROGRESS\)/,
			/Get operation/,
		],
		[{ kind: 'noResultFiles' }, /task-7 completed without result files/, /Task ID: task-7/],
		[{ kind: 'cancelled' }, /cancelled \[task_id task-7\]/, /keep running on Freepik/],
		[
			{ kind: 'notFinished' },
			/another item of this batch failed first \[task_id task-7\]/,
			/Task ID: task-7/,
		],
	])('%j names the task in message and description', (failure, message, description) => {
		const error = outcomeError(ctxFor(), failedOutcome(failure)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(description);
		expect(`${error.message}\n${error.description}`).toContain('task-7');
	});

	it('adds the task to a request error that does not name it yet', () => {
		const error = outcomeError(
			ctxFor(),
			failedOutcome({
				kind: 'error',
				error: new NodeOperationError(nodeOfType('x'), 'Download broke'),
			}),
		);
		expect(error.message).toBe('Download broke [task_id task-7]');
		expect((error as NodeOperationError).description).toBe(
			'Task ID: task-7 (last status IN_PROGRESS)',
		);
	});

	it('leaves an error that already names its task as it is (no text matching)', () => {
		const original = namesTask(
			new NodeOperationError(nodeOfType('x'), 'Could not get it', { description: 'd' }),
			'task-7',
		);
		const error = outcomeError(ctxFor(), failedOutcome({ kind: 'error', error: original }));
		expect(error.message).toBe('Could not get it');
	});

	it('wraps a plain error with the task in a NodeOperationError', () => {
		const error = outcomeError(
			ctxFor(),
			failedOutcome({ kind: 'error', error: new Error('boom') }),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('boom [task_id task-7]');
	});

	it('without a task: n8n errors stay, plain ones are wrapped, cancel and stop say no task was created', () => {
		const api = new NodeApiError(
			nodeOfType('x'),
			{ message: 'nope' },
			{ message: 'Freepik rejected the request' },
		);
		expect(outcomeError(ctxFor(), failedOutcome({ kind: 'error', error: api }, false))).toBe(api);
		expect(
			outcomeError(ctxFor(), failedOutcome({ kind: 'error', error: new Error('x') }, false)),
		).toBeInstanceOf(NodeOperationError);
		for (const kind of ['cancelled', 'notFinished'] as const) {
			const error = outcomeError(ctxFor(), failedOutcome({ kind }, false)) as NodeOperationError;
			expect(error.description).toMatch(/No task was created/);
		}
	});

	describe('tool mode (the node used as an AI-agent tool)', () => {
		it('is recognised by the node type', () => {
			expect(isToolMode(ctxFor('n8n-nodes-freepik.freepikTool'))).toBe(true);
			expect(isToolMode(ctxFor('n8n-nodes-freepik.freepik'))).toBe(false);
		});

		it('puts the description into the message; regular mode keeps them apart', () => {
			const make = () =>
				new NodeOperationError(nodeOfType('x'), 'Invalid "Sound to Isolate": too long', {
					description: 'Nothing was sent to Freepik.',
				});
			expect(presentError(ctxFor('a.freepikTool'), make()).message).toBe(
				'Invalid "Sound to Isolate": too long Nothing was sent to Freepik.',
			);
			expect(presentError(ctxFor(), make()).message).toBe('Invalid "Sound to Isolate": too long');
		});

		it('does not repeat the description when presented twice, and leaves errors without one alone', () => {
			const error = new NodeOperationError(nodeOfType('x'), 'm', { description: 'd' });
			presentError(ctxFor('a.freepikTool'), error);
			expect(presentError(ctxFor('a.freepikTool'), error).message).toBe('m d');
			expect(presentError(ctxFor('a.freepikTool'), new Error('plain')).message).toBe('plain');
		});

		it('Continue On Fail items carry the fix in `error` too', () => {
			const [item] = toOutputItems(
				ctxFor('a.freepikTool'),
				[failedOutcome({ kind: 'failed' })],
				true,
			);
			expect(item.json.error).toBe(failedTaskMessage('task-7'));
			expect(item.json.errorDescription).toBeDefined();
		});
	});

	describe('toOutputItems', () => {
		const ok = (itemIndex: number, taskId: string): TaskOutcome => ({
			itemIndex,
			ok: true,
			task: { ...task, task_id: taskId, status: 'COMPLETED' },
		});

		it('orders by item, pairs each item and keeps binaries', () => {
			const binary = { data: { data: '', mimeType: 'audio/wav' } };
			const items = toOutputItems(
				ctxFor(),
				[{ ...ok(1, 'b'), binary } as TaskOutcome, ok(0, 'a')],
				false,
			);
			expect(items.map((i) => [i.json.task_id, i.pairedItem])).toEqual([
				['a', { item: 0 }],
				['b', { item: 1 }],
			]);
			expect(items[1].binary).toBe(binary);
			expect(items[0].binary).toBeUndefined();
		});

		it('throws the cause, not an item stopped because of it, listing every other task of the batch', () => {
			const outcomes: TaskOutcome[] = [
				{ ...failedOutcome({ kind: 'notFinished' }), task: { ...task, task_id: 'stopped' } },
				failedOutcome({ kind: 'failed' }, true, 1),
				ok(2, 'fine'),
			];
			expect(() => toOutputItems(ctxFor(), outcomes, false)).toThrow(/task-7 FAILED/);
			try {
				toOutputItems(ctxFor(), outcomes, false);
			} catch (error) {
				expect((error as NodeOperationError).description).toMatch(
					/Other tasks created by this batch: stopped \(item 0, IN_PROGRESS, not finished\), fine \(item 2, COMPLETED\)/,
				);
			}
		});

		it('the error item has the task fields only when a task exists', () => {
			expect(errorItemJson(new Error('e'))).toEqual({ error: 'e' });
			expect(
				errorItemJson(new NodeOperationError(nodeOfType('x'), 'e', { description: 'd' }), task),
			).toEqual({
				task_id: 'task-7',
				status: 'IN_PROGRESS',
				error: 'e',
				errorDescription: 'd',
			});
		});
	});
});
