import { isObject } from '../helpers/json';
import type { FreepikTask } from '../helpers/types';

/** Reading Freepik's answers: with or without the `{ "data": … }` wrapper. */

export function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'another location';
	}
}

function isTask(value: unknown): value is FreepikTask {
	return isObject(value) && typeof value.task_id === 'string' && value.task_id !== '';
}

/**
 * The task in an answer (`{ data: task }` or the task itself), with status and generated filled in.
 */
export function taskIn(body: unknown): FreepikTask | undefined {
	const wrapped = isObject(body) ? body.data : undefined;
	const task = isTask(wrapped) ? wrapped : isTask(body) ? body : undefined;
	if (!task) return undefined;
	if (typeof task.status !== 'string') task.status = 'UNKNOWN';
	if (!Array.isArray(task.generated)) task.generated = [];
	return task;
}

/**
 * A task as the list shows it: the docs' example items carry only `task_id` and `status`, so
 * `generated` is not assumed (it is kept when the list sends it).
 */
export type ListedTask = Pick<FreepikTask, 'task_id' | 'status'> & {
	generated?: string[];
	[key: string]: unknown;
};

/** The task list in an answer (`{ data: [...] }` or the array itself). */
export function tasksIn(body: unknown): ListedTask[] | undefined {
	const list = isObject(body) ? body.data : body;
	return Array.isArray(list) ? (list as ListedTask[]) : undefined;
}

/** Where a list's next page is: a path on the API base URL, or a link that is not followed. */
export type NextPage = { path: string } | { refusedHost: string } | undefined;

const textIn = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

const numberIn = (value: unknown) => {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
};

/** Page numbers of a paginated answer: `meta.pagination`, `meta`, or the answer's top level. */
function pageNumbersIn(body: Record<string, unknown>) {
	const meta = isObject(body.meta) ? body.meta : {};
	for (const info of [meta.pagination, meta, body]) {
		if (!isObject(info)) continue;
		const current = numberIn(info.current_page ?? info.page);
		if (current === undefined) continue;
		const perPage = numberIn(info.per_page);
		const total = typeof info.total === 'number' ? info.total : undefined;
		const fromTotal = perPage && total !== undefined ? Math.ceil(total / perPage) : undefined;
		const last = numberIn(info.last_page ?? info.total_pages) ?? fromTotal;
		return last === undefined ? undefined : { current, last };
	}
	return undefined;
}

function nextLinkIn(body: Record<string, unknown>): string | undefined {
	const links = isObject(body.links) ? body.links : {};
	return textIn(links.next) ?? textIn(body.next_page_url) ?? textIn(body.next);
}

/** The link as a path below the base URL, or undefined when it leads to another origin. */
function pathOnBase(link: string, baseUrl: string, listPath: string): string | undefined {
	const base = new URL(baseUrl);
	if (!URL.canParse(link, `${baseUrl}${listPath}`)) return undefined;
	const target = new URL(link, `${baseUrl}${listPath}`);
	const basePath = base.pathname.replace(/\/+$/, '');
	if (target.origin !== base.origin || !target.pathname.startsWith(`${basePath}/`))
		return undefined;
	return target.pathname.slice(basePath.length) + target.search;
}

/**
 * The next page of a list answer. Freepik documents no pagination for the task list, so any of
 * the common forms is read: `links.next` (or `next_page_url`, `next`), and page numbers in
 * `meta` (`current_page` with `last_page`, or with `total` and `per_page`). A next link is
 * followed only on the API base URL, since the request carries the API key; one pointing
 * elsewhere gives way to the page numbers (`?page=N` on the base URL) or is refused.
 */
export function nextPageOf(body: unknown, baseUrl: string, listPath: string): NextPage {
	if (!isObject(body)) return undefined;
	const link = nextLinkIn(body);
	const path = link === undefined ? undefined : pathOnBase(link, baseUrl, listPath);
	if (path !== undefined) return { path };
	const pages = pageNumbersIn(body);
	if (pages)
		return pages.current < pages.last
			? { path: `${listPath}?page=${pages.current + 1}` }
			: undefined;
	return link === undefined ? undefined : { refusedHost: hostOf(link) };
}
