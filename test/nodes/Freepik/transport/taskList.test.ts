import type { ListPage } from '../../../../nodes/Freepik/transport/taskList';
import { readTaskList } from '../../../../nodes/Freepik/transport/taskList';

const BASE = 'https://api.freepik.com';
const LIST = '/v1/ai/audio-isolation';
const tasks = (...ids: string[]) =>
	ids.map((task_id) => ({ task_id, status: 'COMPLETED', generated: [] }));

/** A list of `pageCount` pages of two tasks each, linked by meta page numbers; records what was read. */
function pagedList(
	pageCount: number,
	next: (n: number) => unknown = (n) => ({ meta: { current_page: n, last_page: pageCount } }),
) {
	const read: string[] = [];
	const readPage = async (path: string, n: number): Promise<ListPage> => {
		read.push(path);
		return { tasks: tasks(`t${n}a`, `t${n}b`), body: next(n) };
	};
	return { read, readPage };
}

const warn = jest.fn();
const bounds = (limit = Infinity, maxPages = 100) => ({
	baseUrl: BASE,
	listPath: LIST,
	limit,
	maxPages,
});

describe('reading the task list page by page', () => {
	beforeEach(() => warn.mockClear());

	it('reads every page in order and says nothing was left', async () => {
		const { read, readPage } = pagedList(3);
		const list = await readTaskList(readPage, { warn }, bounds());
		expect(list.tasks.map((t) => t.task_id)).toEqual(['t1a', 't1b', 't2a', 't2b', 't3a', 't3b']);
		expect(list.morePages).toBe(false);
		expect(read).toEqual([LIST, `${LIST}?page=2`, `${LIST}?page=3`]);
	});

	it('cuts the list at the limit and reads no page after it is reached', async () => {
		const { read, readPage } = pagedList(3);
		const list = await readTaskList(readPage, { warn }, bounds(3));
		expect(list.tasks.map((t) => t.task_id)).toEqual(['t1a', 't1b', 't2a']);
		expect(read).toHaveLength(2);
	});

	it('stops at the page bound and says pages were left', async () => {
		const { read, readPage } = pagedList(5);
		const list = await readTaskList(readPage, { warn }, bounds(Infinity, 2));
		expect(list).toEqual({ tasks: tasks('t1a', 't1b', 't2a', 't2b'), morePages: true });
		expect(read).toHaveLength(2);
	});

	it('reads the last page within the bound without saying pages were left', async () => {
		const { readPage } = pagedList(2);
		expect((await readTaskList(readPage, { warn }, bounds(Infinity, 2))).morePages).toBe(false);
	});

	it('never reads a page twice when an answer points back at a page already read', async () => {
		const { read, readPage } = pagedList(9, () => ({ links: { next: `${BASE}${LIST}` } }));
		const list = await readTaskList(readPage, { warn }, bounds());
		expect(read).toEqual([LIST]);
		expect(list.tasks).toHaveLength(2);
	});

	it('warns once, without fetching it, about a next page on another host', async () => {
		const { read, readPage } = pagedList(9, () => ({ links: { next: 'https://evil.example/p2' } }));
		const list = await readTaskList(readPage, { warn }, bounds());
		expect(read).toEqual([LIST]);
		expect(list.tasks).toHaveLength(2);
		expect(warn).toHaveBeenCalledTimes(1);
		expect(warn.mock.calls[0][0]).toContain('next page is on evil.example, not on the API host');
	});
});
