// @ts-check
'use strict';
// Read the executions of a `n8n start` on SQLite (its user folder's .n8n/database.sqlite) for
// scripts/e2e-chains.js: status rows and the run data of each execution. Reads go through the
// provisioned Node 24's built-in node:sqlite (read-only), so no SQLite package is needed here.
const path = require('node:path');
const { run } = require('../../harness/proc');
const Q = require('./queue-mode');

const QUERY_SCRIPT = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { readOnly: true });
try { process.stdout.write(JSON.stringify(db.prepare(process.argv[2]).all())); } finally { db.close(); }
`;

class Executions {
	constructor(runtime, userFolder) {
		this.runtime = runtime;
		this.dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
		this.parse = Q.flattedParser(runtime);
	}

	async query(sql) {
		const r = await run(
			this.runtime.nodeBin,
			['--no-warnings', '-e', QUERY_SCRIPT, this.dbFile, sql],
			{ timeoutMs: 60e3 },
		);
		if (r.code !== 0)
			throw new Error(
				`sqlite query failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.slice(-1000)}\nSQL: ${sql}`,
			);
		return JSON.parse(r.stdout);
	}

	/** Executions of the given workflows: [{ id, workflowId, status, mode, finished, createdAt, startedAt, stoppedAt }] (times in UTC), oldest first. */
	async list(workflowIds) {
		const ids = workflowIds.map((id) => `'${String(id).replace(/'/g, "''")}'`).join(',');
		return this.query(
			`SELECT CAST(id AS TEXT) AS id, workflowId, status, mode, finished, createdAt, startedAt, stoppedAt FROM execution_entity WHERE workflowId IN (${ids}) ORDER BY execution_entity.id`,
		);
	}

	/** The run data of one execution (data.resultData.runData ...). */
	async data(id) {
		const [row] = await this.query(
			`SELECT data FROM execution_data WHERE executionId = ${Number(id)}`,
		);
		return row ? this.parse(row.data) : undefined;
	}
}

const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** Output items of a node in an execution's data (last run, output `outputIndex`). */
function nodeOutput(data, nodeName, outputIndex = 0) {
	return data?.resultData?.runData?.[nodeName]?.at(-1)?.data?.main?.[outputIndex] ?? [];
}

const ran = (data, nodeName) => (data?.resultData?.runData?.[nodeName]?.length ?? 0) > 0;

module.exports = { Executions, TERMINAL, nodeOutput, ran };
