// @ts-check
// npm run scan: the ESLint gate of n8n's verification scanner (@n8n/scan-community-package), run
// offline. The real scanner (npx @n8n/scan-community-package n8n-nodes-freepik) downloads the
// published tarball, checks its npm provenance, fetches the source commit the provenance names and
// lints two things with its own ESLint config: that source (SOURCE_FILE_PATTERNS: package.json,
// nodes/, credentials/) and the unpacked tarball. This runs the scanner's own analyzePackage on
// both: the working tree, and the tarball `npm pack` makes from it. Provenance and the download
// need the registry and a published release, so they are not checked here.
// Expects a fresh build (npm run scan builds first).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'freepik-scan-'));
// The scanner makes a temp dir when it is loaded (for downloads this script does not use):
// keep it inside ours so that it is removed with it.
process.env.TMPDIR = work;

const scannerPath = join(root, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs');
const { version } = JSON.parse(
	readFileSync(join(root, 'node_modules/@n8n/scan-community-package/package.json'), 'utf8'),
);
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(scannerPath);

// Which files each leg lints. The scanner lints only compiled .js and package.json in the tarball;
// the tarball leg here lints every .js, .ts and .json file in it (analyzePackage's default), a
// superset, so a declaration file or a codex file that would break a rule is caught too.
const TARBALL_PATTERNS = ['**/*.js', '**/*.ts', '**/*.json'];

function packTarball() {
	if (!existsSync(join(root, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` first');
	const [{ filename, files }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const dir = join(work, 'package');
	mkdirSync(dir);
	execFileSync('tar', ['-xzf', join(work, filename), '-C', dir, '--strip-components=1']);
	return { dir, fileCount: files.length };
}

async function leg(name, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	const status = result.passed ? 'passed' : `FAILED (${result.message})`;
	console.log(`[scan] ${name}: ${patterns.join(' ')}: ${status}`);
	if (result.details) console.log(result.details);
	return result.passed && result.message !== 'No files found to analyze';
}

let passed = false;
try {
	console.log(
		`[scan] @n8n/scan-community-package ${version}, ESLint gate only (provenance needs the registry)`,
	);
	const sourceOk = await leg('source', root, SOURCE_FILE_PATTERNS);
	const tarball = packTarball();
	console.log(`[scan] npm pack: ${tarball.fileCount} files`);
	const tarballOk = await leg('tarball', tarball.dir, TARBALL_PATTERNS);
	passed = sourceOk && tarballOk;
} finally {
	rmSync(work, { recursive: true, force: true });
}
console.log(passed ? '[scan] passed' : '[scan] FAILED');
process.exit(passed ? 0 : 1);
