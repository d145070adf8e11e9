import js from '@eslint/js';
import globals from 'globals';

// The JavaScript that never ships (scripts, harness, simulator, benchmarks, the e2e suite): ESLint's
// recommended rules for Node. The n8n node rules (eslint.config.mjs) are for nodes/ only.
export default [
	js.configs.recommended,
	{
		files: ['**/*.js', '**/*.mjs'],
		languageOptions: {
			ecmaVersion: 2023,
			sourceType: 'commonjs',
			globals: { ...globals.node },
		},
		// `const { omitted, ...rest } = x` is how these scripts drop a field.
		rules: { 'no-unused-vars': ['error', { ignoreRestSiblings: true }] },
	},
	{ files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
	{ files: ['test/e2e/**/*.js'], languageOptions: { globals: { ...globals.jest } } },
];
