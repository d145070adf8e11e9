/**
 * helpers/errors.ts as a unit: errors are built once, complete (n8n's classes, the message as
 * written, typed facts), and a longer text or more facts make a new error, never a patched one.
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	factsOf,
	FreepikOperationError,
	restated,
	toNodeApiError,
} from '../../../../nodes/Freepik/helpers/errors';

const node = { id: '1', name: 'Freepik', type: 't', typeVersion: 1, position: [0, 0] } as INode;

describe('errors built once', () => {
	it('keeps a message naming a network code, under n8n class names, with typed facts', () => {
		const api = toNodeApiError(node, { code: 'ECONNRESET' }, 'creating the task', {
			itemIndex: 2,
			mayHaveCreated: true,
		});
		expect(api).toBeInstanceOf(NodeApiError);
		expect(api.name).toBe('NodeApiError');
		expect(api.message).toBe('Could not reach Freepik while creating the task (ECONNRESET)');
		expect(factsOf(api)).toEqual({ mayHaveCreated: true });
		expect(api.context).not.toHaveProperty('mayHaveCreated');

		const operation = new FreepikOperationError(node, 'socket hang up (ECONNRESET)', {}, {});
		expect(operation).toBeInstanceOf(NodeOperationError);
		expect(operation.name).toBe('NodeOperationError');
		expect(operation.message).toBe('socket hang up (ECONNRESET)');
	});

	it('restated() makes a new error of the same class, item and HTTP code; the original stays', () => {
		const original = toNodeApiError(node, { statusCode: 500 }, 'getting the task', {
			itemIndex: 1,
			taskId: 'task-1',
		});
		const message = original.message;
		const next = restated(node, original, { message: `${message} (more)`, description: 'd' });
		expect(next).not.toBe(original);
		expect(next).toBeInstanceOf(NodeApiError);
		expect(next).toMatchObject({ message: `${message} (more)`, description: 'd', httpCode: '500' });
		expect((next as NodeApiError).context.itemIndex).toBe(1);
		expect(factsOf(next)).toEqual({ taskId: 'task-1' });
		expect(original.message).toBe(message);

		const plain = restated(node, new Error('boom'), { facts: { standsAlone: true } });
		expect(plain).toBeInstanceOf(NodeOperationError);
		expect(plain.message).toBe('boom');
		expect(factsOf(plain)).toEqual({ standsAlone: true });
		expect(factsOf(new Error('not ours'))).toEqual({});
	});
});
