/**
 * What earlier tries of a node run created, per item. n8n's Retry On Fail reruns execute() in this
 * process (same execution, same input items), so a process-level record lets a rerun reuse the
 * tasks of earlier tries instead of creating (and billing) them again. Process-level like the rate
 * limiters (transport/limiterRegistry.ts); helpers/retryReuse.ts decides what a rerun does with it.
 *
 * A record is per item, not per request: n8n reruns with the same input items, and a request that
 * differs between tries (an expression such as `$now`) must still not create the item's task again.
 * It holds task ids, statuses, error texts (already without the key) and a SHA-256 of the request,
 * never the API key or file content.
 *
 * Bounded per run, never by evicting a run that is still going: a run holds at most
 * MAX_ITEMS_PER_RUN items (retryReuse.ts refuses a larger batch before any request), its records
 * are dropped when the node finishes without an error n8n would retry, and a run that nothing
 * touched (a try starting or ending) for RECORD_TTL_MS expires (n8n waits at most 5 s between
 * tries, so only a run whose execution is gone gets that old).
 */
export const RECORD_TTL_MS = 60 * 60 * 1000;
export const MAX_ITEMS_PER_RUN = 10_000;

/** One run of one node in one execution: every try of it shares these. */
export interface RunScope {
	executionId: string;
	nodeId: string;
	runIndex: number;
}

export interface ItemRecord {
	/** SHA-256 of the request the latest try built for the item. */
	requestHash?: string;
	/** Every task a try created for the item, oldest first. */
	taskIds: string[];
	/** The latest task's last known status. */
	status?: string;
	/** The latest task FAILED: the next try submits the item again. */
	resubmit: boolean;
	/** The last create may have made a task that no id names: it is never sent again. */
	ambiguous?: { message: string; description?: string };
}

interface Run {
	items: Map<number, ItemRecord>;
	/** Tries started (n8n allows at most 5), so the last one can drop the run's records. */
	tries: number;
	expiresAt: number;
}

/** Least recently touched first, so the expired ones come first. */
const runs = new Map<string, Run>();

const runKey = (scope: RunScope) =>
	JSON.stringify([scope.executionId, scope.nodeId, scope.runIndex]);

function liveRun(scope: RunScope, now: number): Run | undefined {
	const run = runs.get(runKey(scope));
	return run && run.expiresAt > now ? run : undefined;
}

/** The run, created if needed, touched: it expires RECORD_TTL_MS from now. */
function touch(scope: RunScope, now: number): Run {
	dropExpired(now);
	const key = runKey(scope);
	const run = runs.get(key) ?? { items: new Map(), tries: 0, expiresAt: 0 };
	runs.delete(key);
	run.expiresAt = now + RECORD_TTL_MS;
	runs.set(key, run);
	return run;
}

function dropExpired(now: number): void {
	for (const [key, run] of runs) {
		if (run.expiresAt > now) return;
		runs.delete(key);
	}
}

const copy = (record: ItemRecord): ItemRecord => ({
	...record,
	taskIds: [...record.taskIds],
	...(record.ambiguous ? { ambiguous: { ...record.ambiguous } } : {}),
});

/** What earlier tries of this run created for this item, if anything. */
export function recall(
	scope: RunScope,
	itemIndex: number,
	now = Date.now(),
): ItemRecord | undefined {
	const record = liveRun(scope, now)?.items.get(itemIndex);
	return record && copy(record);
}

export function remember(
	scope: RunScope,
	itemIndex: number,
	record: ItemRecord,
	now = Date.now(),
): void {
	if (!(Number.isInteger(itemIndex) && itemIndex >= 0 && itemIndex < MAX_ITEMS_PER_RUN))
		throw new RangeError(`item ${itemIndex}: a run keeps at most ${MAX_ITEMS_PER_RUN} items`);
	touch(scope, now).items.set(itemIndex, copy(record));
}

/** A try of the run starts; returns how many have started, this one included. */
export function countTry(scope: RunScope, now = Date.now()): number {
	const run = touch(scope, now);
	run.tries += 1;
	return run.tries;
}

export const triesOf = (scope: RunScope, now = Date.now()) => liveRun(scope, now)?.tries ?? 0;

/** The run is over (no try follows): its records go. */
export function forgetRun(scope: RunScope): void {
	runs.delete(runKey(scope));
}

/** For tests: how many runs are held (expired ones included until the next touch). */
export const retryLedgerRuns = () => runs.size;

/** For tests: the keys and records held now. */
export function retryLedgerContents(): Array<{ key: string; record: ItemRecord }> {
	return [...runs].flatMap(([key, run]) =>
		[...run.items].map(([item, record]) => ({ key: `${key}\n${item}`, record: copy(record) })),
	);
}

/** For tests: forgets everything (like a fresh process). */
export function clearRetryLedger(): void {
	runs.clear();
}
