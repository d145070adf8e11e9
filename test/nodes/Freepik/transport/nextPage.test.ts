/** Get Many's next-page link must never lead off the API origin (the key goes along with it). */
import { readTaskList } from '../../../../nodes/Freepik/transport/taskList';
import { nextPageOf } from '../../../../nodes/Freepik/transport/responses';

const BASE = 'https://api.freepik.com';
const LIST = '/v1/ai/audio-isolation';
const next = (link: string, base = BASE) => nextPageOf({ links: { next: link } }, base, LIST);

describe('next page links that must not leave the API origin', () => {
	it.each([
		'//evil.example/v1/ai/audio-isolation?page=2',
		'\\\\evil.example/v1/ai/audio-isolation?page=2',
		'https://api.freepik.com.evil.example/v1/ai/audio-isolation?page=2',
		'https://api.freepik.com@evil.example/v1/ai/audio-isolation?page=2',
		'http://api.freepik.com/v1/ai/audio-isolation?page=2',
		'https://api.freepik.com:8443/v1/ai/audio-isolation?page=2',
		'https:evil.example/v1/ai/audio-isolation',
		'javascript:alert(1)',
		'https://evil.example%2F@api.freepik.com/v1/ai/audio-isolation?page=2',
	])('%s is not followed off origin', (link) => {
		const page = next(link);
		if (page && 'path' in page) {
			const url = new URL(`${BASE}${page.path}`);
			expect(url.origin).toBe(BASE);
		}
	});

	it('a base URL with a path keeps the next page below it', () => {
		const page = next(
			'https://proxy.example/freepik/../other/v1/ai/audio-isolation?page=2',
			'https://proxy.example/freepik',
		);
		expect(page).not.toEqual({ path: expect.stringMatching(/^\/other/) });
		const encoded = next(
			'https://proxy.example/freepik/%2e%2e/other?page=2',
			'https://proxy.example/freepik',
		);
		if (encoded && 'path' in encoded)
			expect(new URL(`https://proxy.example/freepik${encoded.path}`).pathname).toMatch(
				/^\/freepik\//,
			);
	});

	it('Limit across pages and a server looping pages stay bounded', async () => {
		const requested: string[] = [];
		const list = await readTaskList(
			async (path) => {
				requested.push(path);
				return {
					tasks: [{ task_id: String(requested.length), status: 'COMPLETED', generated: [] }],
					body: { links: { next: `${BASE}${LIST}?page=${requested.length + 1}` } },
				};
			},
			{ warn: () => undefined },
			{ baseUrl: BASE, listPath: LIST, limit: Infinity, maxPages: 7 },
		);
		expect(requested).toHaveLength(7);
		expect(list.morePages).toBe(true);
		const limited = await readTaskList(
			async (path) => ({
				tasks: [1, 2, 3].map((n) => ({
					task_id: `${path}#${n}`,
					status: 'COMPLETED',
					generated: [],
				})),
				body: { meta: { current_page: Number(/page=(\d+)/.exec(path)?.[1] ?? 1), last_page: 9 } },
			}),
			{ warn: () => undefined },
			{ baseUrl: BASE, listPath: LIST, limit: 5, maxPages: 100 },
		);
		expect(limited.tasks).toHaveLength(5);
		expect(limited.morePages).toBe(false);
	});
});
