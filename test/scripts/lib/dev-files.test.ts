/**
 * `npm run dev` imports the examples: every file an example reads from the examples folder must
 * exist in the dev instance's folder, or the demo runs on nothing and still shows green.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EXAMPLES_FOLDER, writeDemoInputs } = require('../../../scripts/lib/dev-files');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isWav } = require('../../../simulator/wav');

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

function filesTheExamplesRead(): string[] {
	const read: string[] = [];
	for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
		for (const node of workflow.nodes) {
			const selector = node.parameters?.fileSelector;
			if (node.parameters?.operation === 'read' && typeof selector === 'string')
				read.push(selector);
		}
	}
	return read;
}

describe('npm run dev: demo inputs', () => {
	let folder: string;
	beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'freepik-dev-'))));
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	it('writes every file the examples read (a WAV each), and leaves existing files alone', () => {
		const wanted = filesTheExamplesRead();
		expect(wanted.length).toBeGreaterThan(0);
		expect(writeDemoInputs(folder).length).toBe(wanted.length);
		for (const selector of wanted) {
			expect(selector.startsWith(`${EXAMPLES_FOLDER}/`)).toBe(true);
			const local = selector.replace(EXAMPLES_FOLDER, folder);
			expect(existsSync(local)).toBe(true);
			expect(isWav(readFileSync(local))).toBe(true);
		}
		expect(writeDemoInputs(folder)).toEqual([]);
	});
});
