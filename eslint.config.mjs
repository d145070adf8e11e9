import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';

// Exactly the rules `n8n-node lint` applies (n8n's own config from @n8n/node-cli), over the code
// that ships: nodes/, credentials/ and package.json. Tests, scripts and benchmarks never reach
// n8n, and node-only rules (no setTimeout, no process) do not apply to them.
export default [
	globalIgnores([
		'dist',
		'test',
		'scripts',
		'bench',
		'docs',
		'examples',
		'coverage',
		'output',
		'.tmp',
	]),
	...config,
];
