import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

export default [
	{ ignores: ['dist/**', 'node_modules/**'] },
	{
		// The plugin reads package.json as a JavaScript object expression (n8n's own node-cli does the same).
		files: ['**/*.ts', 'package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] } },
	},
	{ ...n8nCommunityNodesPlugin.configs.recommended, files: ['**/*.ts', 'package.json'] },
];
