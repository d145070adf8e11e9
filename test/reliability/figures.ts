/**
 * The reliability figures. Each suite of test/reliability adds its own counts in its afterAll; the
 * counts of one jest run are merged (suites run in separate workers, so they meet on disk in
 * test/reliability/.figures/), printed as one summary line and written to
 * test/reliability/.last-figures.json. Both paths are git-ignored (test/reliability/.gitignore).
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Figures {
	faultsTried: number;
	endedCorrectly: number;
	duplicatePosts: number;
	lostTaskIds: number;
	keyLeaks: number;
	invalidInputsTried: number;
	invalidRejectedBeforeRequest: number;
	validInputsTried: number;
	validExactBody: number;
	runsScanned: number;
	textsScanned: number;
	foreignRequestsChecked: number;
}

export const EMPTY_FIGURES: Figures = {
	faultsTried: 0,
	endedCorrectly: 0,
	duplicatePosts: 0,
	lostTaskIds: 0,
	keyLeaks: 0,
	invalidInputsTried: 0,
	invalidRejectedBeforeRequest: 0,
	validInputsTried: 0,
	validExactBody: 0,
	runsScanned: 0,
	textsScanned: 0,
	foreignRequestsChecked: 0,
};

const DIR = __dirname;
const FRAGMENTS = path.join(DIR, '.figures');
export const LAST_FIGURES_FILE = path.join(DIR, '.last-figures.json');
/** Fragments older than this belong to an earlier run even if the run key matches. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Identifies the current jest run: jest workers are children of the jest process, a run in band
 * is the jest process itself.
 */
function runKey(): number {
	return typeof process.send === 'function' && process.env.JEST_WORKER_ID
		? process.ppid
		: process.pid;
}

export function summaryLine(f: Figures): string {
	return (
		`reliability: faults tried ${f.faultsTried}, ended correctly ${f.endedCorrectly}, ` +
		`duplicate POSTs ${f.duplicatePosts}, lost task ids ${f.lostTaskIds}, key leaks ${f.keyLeaks}, ` +
		`invalid inputs tried ${f.invalidInputsTried} rejected before any request ${f.invalidRejectedBeforeRequest}, ` +
		`valid inputs tried ${f.validInputsTried} with the exact API body ${f.validExactBody}`
	);
}

/** Records one suite's figures, merges them with the other suites of this run, prints and saves the total. */
export function recordSuiteFigures(
	suite: string,
	figures: Partial<Figures>,
	{ print = true }: { print?: boolean } = {},
): { total: Figures; suites: string[] } {
	fs.mkdirSync(FRAGMENTS, { recursive: true });
	const key = runKey();
	const mine = { suite, runKey: key, at: Date.now(), figures: { ...EMPTY_FIGURES, ...figures } };
	fs.writeFileSync(path.join(FRAGMENTS, `${suite}.json`), JSON.stringify(mine, null, 2));

	const total: Figures = { ...EMPTY_FIGURES };
	const suites: string[] = [];
	for (const name of fs
		.readdirSync(FRAGMENTS)
		.filter((n) => n.endsWith('.json'))
		.sort()) {
		let fragment: typeof mine;
		try {
			fragment = JSON.parse(fs.readFileSync(path.join(FRAGMENTS, name), 'utf8'));
		} catch {
			continue;
		}
		if (fragment.runKey !== key || Date.now() - fragment.at > STALE_MS) continue;
		suites.push(fragment.suite);
		for (const field of Object.keys(total) as Array<keyof Figures>)
			total[field] += Number(fragment.figures[field] ?? 0);
	}
	const line = `${summaryLine(total)} (suites: ${suites.join(', ')})`;
	fs.writeFileSync(
		LAST_FIGURES_FILE,
		JSON.stringify(
			{ line, summary: summaryLine(total), suites, at: new Date().toISOString(), figures: total },
			null,
			2,
		),
	);
	if (print) process.stdout.write(`\n${line}\n`);
	return { total, suites };
}
