#!/usr/bin/env node
// @ts-check
'use strict';
// npm run check:deps: every package that the code, tests, scripts and benchmarks require or import
// is declared in package.json. One that only resolves because npm hoisted it out of another
// package's dependencies breaks when that package changes.
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const declared = new Set([
	pkg.name, // a comment or example that names the package itself
	...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies }),
]);
const SKIP = new Set(['node_modules', 'dist', '.git', 'coverage', 'output', '.tmp']);
const SOURCE = /\.(c|m)?[jt]s$/;
const SPECIFIER = /(?:\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s+|\bimport\s+)['"]([^'"\s]+)['"]/g;

function* files(dir) {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		if (SKIP.has(entry.name)) continue;
		const p = path.join(dir, entry.name);
		if (entry.isDirectory()) yield* files(p);
		else if (SOURCE.test(entry.name)) yield p;
	}
}

const packageOf = (spec) =>
	spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
const isBuiltin = (spec) => spec.startsWith('node:') || builtinModules.includes(packageOf(spec));

const missing = new Map();
for (const file of files(ROOT)) {
	for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
		if (spec.startsWith('.') || spec.startsWith('/') || isBuiltin(spec)) continue;
		const name = packageOf(spec);
		if (declared.has(name)) continue;
		if (!missing.has(name)) missing.set(name, []);
		missing.get(name).push(path.relative(ROOT, file));
	}
}

if (missing.size === 0) {
	console.log('check:deps: every required package is declared in package.json');
} else {
	for (const [name, where] of missing)
		console.error(
			`check:deps: ${name} is not declared in package.json (used in ${[...new Set(where)].join(', ')})`,
		);
	process.exit(1);
}
