import { callbackUrl, isLocalUrl } from '../../../../nodes/Freepik/resume/urls';

describe('callback URLs', () => {
	it("adds the item index and keeps n8n's signature token as it is", () => {
		const url = new URL(
			callbackUrl('https://n8n.example.com/webhook-waiting/42?signature=a%2Bb%2Fc', 7),
		);
		expect(url.pathname).toBe('/webhook-waiting/42');
		expect(url.searchParams.get('signature')).toBe('a+b/c');
		expect(url.searchParams.get('item')).toBe('7');
	});

	it('names the wait too, so a late callback of an earlier wait is told apart', () => {
		const url = new URL(
			callbackUrl('https://n8n.example.com/webhook-waiting/42?signature=s', 0, 'ab12'),
		);
		expect(Object.fromEntries(url.searchParams)).toEqual({
			signature: 's',
			item: '0',
			wait: 'ab12',
		});
	});

	it.each([
		['http://localhost:5678/webhook-waiting/1?signature=x', true],
		['http://127.0.0.1:5678/webhook-waiting/1', true],
		['http://[::1]:5678/webhook-waiting/1', true],
		['http://n8n.localhost/webhook-waiting/1', true],
		['https://n8n.example.com/webhook-waiting/1', false],
		['not a url', false],
	])('%s is local: %s', (url, local) => {
		expect(isLocalUrl(url)).toBe(local);
	});
});
