import { isObject, parseJson } from '../../../../nodes/Freepik/helpers/json';

describe('JSON shared by the transport and the webhook payload', () => {
	it('parses JSON text, keeps parsed bodies and reports what is not JSON', () => {
		expect(parseJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
		expect(parseJson({ a: 1 })).toEqual({ ok: true, value: { a: 1 } });
		expect(parseJson('<html>')).toEqual({ ok: false });
		expect(parseJson(undefined)).toEqual({ ok: false });
	});

	it('counts only plain objects as objects (not arrays, not null)', () => {
		expect(isObject({ task_id: 't' })).toBe(true);
		expect(isObject([{ task_id: 't' }])).toBe(false);
		expect(isObject(null)).toBe(false);
		expect(isObject('{}')).toBe(false);
	});
});
