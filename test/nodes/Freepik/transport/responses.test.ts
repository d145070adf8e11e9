import { hostOf, parseJson, taskIn, tasksIn } from '../../../../nodes/Freepik/transport/responses';

describe('reading Freepik answers', () => {
	it.each<[string, unknown, object | undefined]>([
		[
			'a wrapped task',
			{ data: { task_id: 't1', status: 'COMPLETED', generated: ['u'] } },
			{ task_id: 't1', status: 'COMPLETED', generated: ['u'] },
		],
		[
			'a bare task',
			{ task_id: 't2', status: 'IN_PROGRESS', generated: [] },
			{ task_id: 't2', status: 'IN_PROGRESS', generated: [] },
		],
		[
			'a task without status or files',
			{ data: { task_id: 't3' } },
			{ task_id: 't3', status: 'UNKNOWN', generated: [] },
		],
		['no task_id', { data: {} }, undefined],
		['an empty task_id', { data: { task_id: '' } }, undefined],
		['a number task_id', { task_id: 7 }, undefined],
		['null', null, undefined],
		['a string', 'ok', undefined],
	])('%s', (_name, body, expected) => {
		expect(taskIn(body)).toEqual(expected);
	});

	it.each<[string, unknown, unknown[] | undefined]>([
		['a wrapped list', { data: [{ task_id: 'a' }] }, [{ task_id: 'a' }]],
		['a bare list', [{ task_id: 'b' }], [{ task_id: 'b' }]],
		['no list', { data: {} }, undefined],
		['nothing', undefined, undefined],
	])('%s', (_name, body, expected) => {
		expect(tasksIn(body)).toEqual(expected);
	});

	it('parses JSON text, keeps parsed bodies and reports what is not JSON', () => {
		expect(parseJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
		expect(parseJson({ a: 1 })).toEqual({ ok: true, value: { a: 1 } });
		expect(parseJson('<html>')).toEqual({ ok: false });
		expect(parseJson(undefined)).toEqual({ ok: false });
	});

	it('names the host of a redirect, or says it could not', () => {
		expect(hostOf('https://evil.example:8443/x')).toBe('evil.example:8443');
		expect(hostOf('/relative')).toBe('another location');
	});
});
