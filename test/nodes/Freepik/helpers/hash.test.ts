import { createHash } from 'crypto';

import { sha256 } from '../../../../nodes/Freepik/helpers/hash';

const whole = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256', () => {
	it('hashes a long text (a file held as base64) in slices to the same digest as in one piece', () => {
		const base64 = Buffer.alloc(3 * 1024 * 1024, 0xa7).toString('base64');
		expect(sha256(base64)).toBe(whole(base64));
	});

	it('never splits a surrogate pair at a slice boundary', () => {
		for (const offset of [-2, -1, 0, 1]) {
			const text = `${'a'.repeat(64 * 1024 + offset)}🎸${'b'.repeat(10)}`;
			expect(sha256(text)).toBe(whole(text));
		}
	});

	it('hashes short and empty texts as they are', () => {
		expect(sha256('')).toBe(whole(''));
		expect(sha256('freepik')).toBe(whole('freepik'));
	});
});
