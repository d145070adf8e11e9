/**
 * What earlier tries of a node run created, per item. n8n's Retry On Fail reruns execute() in this
 * process (same execution, same input items), so a process-level record lets a rerun reuse the
 * tasks of earlier tries instead of creating (and billing) them again. Process-level like the rate
 * limiters (transport/limiterRegistry.ts); helpers/retryReuse.ts decides what a rerun does with it.
 *
 * A record is per item, not per request: n8n reruns with the same input items, and a request that
 * differs between tries (an expression such as `$now`) must still not create the item's task again.
 * It holds task ids, statuses, error texts (already without the key) and a SHA-256 of the request,
 * never the API key or file content. Bounded: a run's records are dropped
 * when the node finishes without an error n8n would retry, a record expires RECORD_TTL_MS after
 * its last write (every try writes its items' records when it ends, and n8n waits at most 5 s
 * between tries) and at most MAX_RECORDS are kept, the oldest going first.
 */
export const RECORD_TTL_MS = 60 * 60 * 1000;
export const MAX_RECORDS = 10_000;

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

interface Stored {
	record: ItemRecord;
	expiresAt: number;
}

/** Least recently written first. */
const records = new Map<string, Stored>();

/** Tries started per run (n8n allows at most 5), so the last one can drop the run's records. */
const triesStarted = new Map<string, number>();

const scopePrefix = (scope: RunScope) =>
	`${JSON.stringify([scope.executionId, scope.nodeId, scope.runIndex])}\n`;

const recordKey = (scope: RunScope, itemIndex: number) => `${scopePrefix(scope)}${itemIndex}`;

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
	const stored = records.get(recordKey(scope, itemIndex));
	if (!stored || stored.expiresAt <= now) return undefined;
	return copy(stored.record);
}

export function remember(
	scope: RunScope,
	itemIndex: number,
	record: ItemRecord,
	now = Date.now(),
): void {
	const key = recordKey(scope, itemIndex);
	records.delete(key);
	records.set(key, { record: copy(record), expiresAt: now + RECORD_TTL_MS });
	dropExpired(now);
	for (const oldest of records.keys()) {
		if (records.size <= MAX_RECORDS) break;
		records.delete(oldest);
	}
}

/** Every record expires after the same time, so the expired ones are the oldest. */
function dropExpired(now: number): void {
	for (const [key, stored] of records) {
		if (stored.expiresAt > now) return;
		records.delete(key);
	}
}

/** A try of the run starts; returns how many have started, this one included. */
export function countTry(scope: RunScope): number {
	const key = scopePrefix(scope);
	const count = (triesStarted.get(key) ?? 0) + 1;
	triesStarted.delete(key);
	triesStarted.set(key, count);
	for (const oldest of triesStarted.keys()) {
		if (triesStarted.size <= MAX_RECORDS) break;
		triesStarted.delete(oldest);
	}
	return count;
}

export const triesOf = (scope: RunScope) => triesStarted.get(scopePrefix(scope)) ?? 0;

/** The run is over (no try follows): its records go. */
export function forgetRun(scope: RunScope): void {
	const prefix = scopePrefix(scope);
	triesStarted.delete(prefix);
	for (const key of records.keys()) if (key.startsWith(prefix)) records.delete(key);
}

/** For tests: the keys and records held now. */
export function retryLedgerContents(): Array<{ key: string; record: ItemRecord }> {
	return [...records].map(([key, stored]) => ({ key, record: copy(stored.record) }));
}

/** For tests: forgets everything (like a fresh process). */
export function clearRetryLedger(): void {
	records.clear();
	triesStarted.clear();
}
