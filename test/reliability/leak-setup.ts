/**
 * Whole-run leak check, loaded for every test file by jest.config.js (setupFilesAfterEnv): every
 * test file of the jest run has its node runs (outputs, errors, log lines) and the
 * requests its simulators' file host received scanned for the API key after its last test; a leak
 * fails that file. The counts of the files outside test/reliability are added to the reliability
 * figures (test/reliability/.last-figures.json) as "leak-scan:<file>".
 */
import * as path from 'path';

import { recordSuiteFigures } from './figures';
import { installLeakCollector, leakFigures } from './leak-collector';

const collector = installLeakCollector();

afterAll(() => {
	const report = collector.report();
	const testPath = expect.getState().testPath ?? 'unknown';
	const relative = path.relative(path.join(__dirname, '..', '..'), testPath);
	// The reliability suites record their own figures (with these same counts).
	if (!relative.startsWith(path.join('test', 'reliability'))) {
		recordSuiteFigures(
			`leak-scan:${relative.replace(/[^A-Za-z0-9._-]+/g, '_')}`,
			leakFigures(report),
			{ print: false },
		);
	}
	expect(report.leaks).toEqual([]);
});
