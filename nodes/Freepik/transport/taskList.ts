import type { Logger } from 'n8n-workflow';

import { nextPageOf, type ListedTask } from './responses';

/** One answer of the list call: its tasks, and the body (which may say where the next page is). */
export interface ListPage {
	tasks: ListedTask[];
	body: unknown;
}

/** A task list read page by page; `morePages`: the page bound stopped it before the last page. */
export interface TaskList {
	tasks: ListedTask[];
	morePages: boolean;
}

interface ListBounds {
	baseUrl: string;
	/** The list call's path below the base URL: the first page, and the form of `?page=N`. */
	listPath: string;
	/** Stop fetching once this many tasks are read. */
	limit: number;
	maxPages: number;
}

/**
 * Reads the task list from its first page on, following the answers' pages (nextPageOf) until
 * `limit` tasks are read, the last page is reached or `maxPages` pages were fetched. A page is
 * never fetched twice (an answer pointing back at a page read already ends the list).
 */
export async function readTaskList(
	readPage: (path: string, page: number) => Promise<ListPage>,
	logger: Pick<Logger, 'warn'>,
	{ baseUrl, listPath, limit, maxPages }: ListBounds,
): Promise<TaskList> {
	const tasks: ListedTask[] = [];
	const fetched = new Set<string>();
	let path: string | undefined = listPath;
	while (path !== undefined && tasks.length < limit) {
		if (fetched.size === maxPages) return { tasks, morePages: true };
		fetched.add(path);
		const page = await readPage(path, fetched.size);
		tasks.push(...page.tasks);
		const next = nextPageOf(page.body, baseUrl, listPath);
		if (next && 'refusedHost' in next) {
			logger.warn(
				`Freepik: the task list's next page is on ${next.refusedHost}, not on the API host; ` +
					'it was not fetched, so the API key stays on the API host. Later tasks are missing.',
			);
		}
		path = next && 'path' in next && !fetched.has(next.path) ? next.path : undefined;
	}
	return { tasks: tasks.slice(0, limit), morePages: false };
}
