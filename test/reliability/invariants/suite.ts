/**
 * Declares a jest suite over some rows of the matrix. The rows run in a beforeAll, a few at a time
 * (each lane its own simulator, callback receiver and execution id, so nothing is shared between
 * rows in flight), and each row is then one test that checks the four invariants on what its run
 * left. A row an open bug breaks (known.ts) is reported as skipped, naming the bug, and not run.
 */
import { violations } from './invariants';
import { openBugOf } from './known';
import { allRows, pruned, rowName, type Row } from './matrix';
import { closeLane, runRow, startLane, type Lane, type Observation } from './rows';

export function matrixSuite(name: string, select: (row: Row) => boolean, laneCount = 3): void {
	const selected = allRows().filter((row) => !pruned(row) && select(row));
	const rows = selected.filter((row) => !openBugOf(row));
	const open = selected.filter((row) => openBugOf(row));
	const observations = new Map<number, Observation | Error>();
	const lanes: Lane[] = [];

	beforeAll(async () => {
		for (let i = 0; i < laneCount; i++) lanes.push(await startLane());
		const queue = rows.map((row, index) => ({ row, index }));
		await Promise.all(
			lanes.map(async (lane) => {
				for (let next = queue.shift(); next; next = queue.shift()) {
					const tag = `${name}-row${next.index}:`;
					observations.set(
						next.index,
						await runRow(lane, next.row, tag).catch((error: Error) => error),
					);
				}
			}),
		);
	}, 1_800_000);

	afterAll(async () => {
		await Promise.all(lanes.map(closeLane));
	});

	describe(`invariant matrix: ${name} (${rows.length} rows)`, () => {
		for (const row of open) test.skip(`${rowName(row)}: open, ${openBugOf(row)}`, () => {});
		rows.forEach((row, index) => {
			test(rowName(row), () => {
				const observation = observations.get(index);
				if (observation instanceof Error) throw observation;
				expect(observation && violations(row, observation)).toEqual({});
			});
		});
	});
}
