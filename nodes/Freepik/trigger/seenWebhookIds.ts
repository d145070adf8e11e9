/**
 * Bounded memory of delivered `webhook-id`s, to drop Freepik's duplicate deliveries.
 *
 * Why not workflow static data: in n8n 2.40.x a static-data write made inside `webhook()` is
 * lost whenever that same request starts an execution (the runner rebuilds the Workflow and
 * resets its "changed" flag before saving), i.e. exactly for the events we would want to
 * remember. So the memory lives in this process instead:
 * - it is per process: a restart forgets it, and in queue mode with several webhook
 *   processors a retry that lands on another processor is not recognised as a duplicate;
 * - it is bounded: at most MAX_IDS_PER_SCOPE ids per workflow+node (oldest forgotten first)
 *   and at most MAX_SCOPES workflow+node pairs (least recently used scope dropped first).
 */

export const MAX_IDS_PER_SCOPE = 1000;
export const MAX_SCOPES = 500;

const seenByScope = new Map<string, Set<string>>();

/** The memory's key for one trigger node of one workflow (n8n types the workflow id optional). */
export function dedupeScope(workflowId: string | undefined, nodeId: string): string {
	return `${workflowId}:${nodeId}`;
}

/**
 * Records `webhookId` under `scope`. Returns true when it was already there (a duplicate).
 */
export function rememberWebhookId(scope: string, webhookId: string): boolean {
	let seen = seenByScope.get(scope);
	if (seen) {
		// Re-insert to mark the scope as most recently used.
		seenByScope.delete(scope);
	} else {
		seen = new Set<string>();
		// The map is in least-recently-used order, and not empty when full.
		if (seenByScope.size >= MAX_SCOPES) seenByScope.delete(seenByScope.keys().next().value!);
	}
	seenByScope.set(scope, seen);

	if (seen.has(webhookId)) return true;
	seen.add(webhookId);
	if (seen.size > MAX_IDS_PER_SCOPE) seen.delete(seen.values().next().value!);
	return false;
}

/** For tests: empties the memory. */
export function clearSeenWebhookIds(): void {
	seenByScope.clear();
}

/** For tests: how many scopes / ids are held. */
export function seenWebhookIdStats(): { scopes: number; ids: number } {
	let ids = 0;
	for (const seen of seenByScope.values()) ids += seen.size;
	return { scopes: seenByScope.size, ids };
}
