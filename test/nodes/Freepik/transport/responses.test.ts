import { hostOf, nextPageOf, taskIn, tasksIn } from '../../../../nodes/Freepik/transport/responses';

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

	it('names the host of a redirect, or says it could not', () => {
		expect(hostOf('https://evil.example:8443/x')).toBe('evil.example:8443');
		expect(hostOf('/relative')).toBe('another location');
	});
});

describe('the next page of a list answer', () => {
	const BASE = 'https://api.freepik.com';
	const LIST = '/v1/ai/audio-isolation';
	const page = (n: number) => ({ path: `${LIST}?page=${n}` });

	it.each<[string, unknown, ReturnType<typeof nextPageOf>]>([
		['a bare list', [{ task_id: 'a' }], undefined],
		['no pagination fields', { data: [] }, undefined],
		['links.next on the API', { links: { next: `${BASE}${LIST}?page=2` } }, page(2)],
		[
			'links.next as a path',
			{ links: { next: `${LIST}?cursor=abc` } },
			{ path: `${LIST}?cursor=abc` },
		],
		['links.next as a query', { links: { next: '?page=4' } }, page(4)],
		['next_page_url (plain paginator)', { next_page_url: `${BASE}${LIST}?page=3` }, page(3)],
		['a top-level next', { next: `${BASE}${LIST}?page=5` }, page(5)],
		['links.next null on the last page', { links: { next: null } }, undefined],
		['an empty links.next', { links: { next: '' } }, undefined],
		['meta current_page < last_page', { meta: { current_page: 1, last_page: 3 } }, page(2)],
		['meta on its last page', { meta: { current_page: 3, last_page: 3 } }, undefined],
		[
			'meta.pagination total_pages',
			{ meta: { pagination: { current_page: 2, total_pages: 4 } } },
			page(3),
		],
		['meta total and per_page', { meta: { current_page: 1, per_page: 10, total: 11 } }, page(2)],
		[
			'meta total on the last page',
			{ meta: { current_page: 2, per_page: 10, total: 11 } },
			undefined,
		],
		['page numbers as text', { meta: { current_page: '1', last_page: '2' } }, page(2)],
		['top-level page numbers', { current_page: 1, last_page: 2 }, page(2)],
		['a current page without a last page', { meta: { current_page: 1 } }, undefined],
		[
			'page numbers that are not positive integers',
			{ meta: { current_page: 0, last_page: 2 } },
			undefined,
		],
		[
			'a next link on another host',
			{ links: { next: 'https://evil.example/v1?page=2' } },
			{ refusedHost: 'evil.example' },
		],
		[
			'another port of the API host',
			{ links: { next: 'https://api.freepik.com:8443/x' } },
			{ refusedHost: 'api.freepik.com:8443' },
		],
		[
			'plain http on the API host',
			{ links: { next: `http://api.freepik.com${LIST}?page=2` } },
			{ refusedHost: 'api.freepik.com' },
		],
		[
			'a link that is not a URL',
			{ links: { next: 'https://[bad' } },
			{ refusedHost: 'another location' },
		],
		[
			'a foreign next link, with page numbers',
			{ links: { next: 'https://evil.example/?page=2' }, meta: { current_page: 1, last_page: 2 } },
			page(2),
		],
	])('%s', (_name, body, expected) => {
		expect(nextPageOf(body, BASE, LIST)).toEqual(expected);
	});

	it('keeps a next link below the base URL path of a proxy, and refuses one outside it', () => {
		const proxy = 'https://proxy.example/freepik';
		expect(nextPageOf({ links: { next: `${proxy}${LIST}?page=2` } }, proxy, LIST)).toEqual(page(2));
		expect(
			nextPageOf({ links: { next: `https://proxy.example${LIST}?page=2` } }, proxy, LIST),
		).toEqual({
			refusedHost: 'proxy.example',
		});
	});
});
