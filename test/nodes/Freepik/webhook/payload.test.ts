import { parseWebhookTask } from '../../../../nodes/Freepik/webhook/payload';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseWebhookTask', () => {
	it('reads the documented bare payload from the raw bytes', () => {
		expect(
			parseWebhookTask(
				raw({ task_id: 't1', status: 'COMPLETED', generated: ['https://x/a.wav'] }),
				{},
			),
		).toEqual({ task_id: 't1', status: 'COMPLETED', generated: ['https://x/a.wav'] });
	});

	it('accepts a {data: …} wrapper', () => {
		expect(
			parseWebhookTask(raw({ data: { task_id: 't1', status: 'FAILED', generated: [] } }), {}),
		).toEqual({
			task_id: 't1',
			status: 'FAILED',
			generated: [],
		});
	});

	it("falls back to n8n's parsed body when the raw bytes are empty", () => {
		expect(parseWebhookTask(Buffer.alloc(0), { task_id: 't2', status: 'CREATED' })).toEqual({
			task_id: 't2',
			status: 'CREATED',
			generated: [],
		});
	});

	it('drops non-string entries of generated', () => {
		const task = parseWebhookTask(
			raw({ task_id: 't', status: 'COMPLETED', generated: ['u', 1, null, ''] }),
			{},
		);
		expect(task?.generated).toEqual(['u']);
	});

	it.each([
		['no task_id', { status: 'COMPLETED' }],
		['no status', { task_id: 't' }],
		['an array', [1, 2]],
		['a string', 'hello'],
	])('returns undefined for %s', (_label, body) => {
		expect(parseWebhookTask(raw(body), {})).toBeUndefined();
	});

	it('returns undefined for bytes that are not JSON and no parsed body', () => {
		expect(parseWebhookTask(Buffer.from('not json'), undefined)).toBeUndefined();
	});
});
