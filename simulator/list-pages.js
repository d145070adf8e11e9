// @ts-check
'use strict';

/**
 * Pages of the list answer. Freepik documents no pagination for this list, so by default the
 * simulator answers every task at once (`{ data }`); with the `listPages` option it answers in
 * pages the way Freepik's paginated endpoints do (Laravel style): `?page=N`, and beside `data` a
 * `links` object (`first`, `last`, `prev`, `next`) and a `meta` object (`current_page`,
 * `last_page`, `per_page`, `total`, `from`, `to`).
 */

/**
 * @typedef {object} ListPages
 * @property {number} size   tasks per page (at least 1)
 * @property {'absolute' | 'relative' | 'foreign' | 'none'} [next]  how `links` point at pages:
 *   absolute URLs on the API origin (default), paths, URLs on the file server's origin (another
 *   host, which a client must not follow with its key), or no `links` at all
 * @property {boolean} [meta]  whether to send `meta` (default true)
 */

/**
 * The requested page number, or an error message for a `page` that is not a positive integer.
 * @param {URLSearchParams} query
 * @returns {{ page: number, error?: undefined } | { page?: undefined, error: string }}
 */
function requestedPage(query) {
	const raw = query.get('page');
	if (raw === null) return { page: 1 };
	const page = Number(raw);
	if (!/^\d+$/.test(raw) || page < 1) return { error: 'must be a positive integer' };
	return { page };
}

/**
 * One page of `views` (newest first) in the answer's envelope.
 * @template T
 * @param {T[]} views
 * @param {ListPages} pages
 * @param {number} page
 * @param {{ apiOrigin: string, foreignOrigin: string, path: string }} where
 */
function pageOf(views, pages, page, where) {
	const size = Math.max(1, Math.floor(pages.size));
	const lastPage = Math.max(1, Math.ceil(views.length / size));
	const start = (page - 1) * size;
	const data = views.slice(start, start + size);
	/** @type {Record<string, unknown>} */
	const answer = { data };
	const style = pages.next ?? 'absolute';
	if (style !== 'none') {
		const origin = { absolute: where.apiOrigin, relative: '', foreign: where.foreignOrigin }[style];
		/** @param {number} n */
		const link = (n) => (n >= 1 && n <= lastPage ? `${origin}${where.path}?page=${n}` : null);
		answer.links = {
			first: link(1),
			last: link(lastPage),
			prev: link(page - 1),
			next: link(page + 1),
		};
	}
	if (pages.meta !== false) {
		answer.meta = {
			current_page: page,
			last_page: lastPage,
			per_page: size,
			total: views.length,
			from: data.length ? start + 1 : null,
			to: data.length ? start + data.length : null,
		};
	}
	return answer;
}

module.exports = { requestedPage, pageOf };
