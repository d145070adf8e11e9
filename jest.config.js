/**
 * Unit and in-process n8n tests (`npm test`). The real-n8n suite (test/e2e/*.e2e.js) has its own
 * config, jest.e2e.config.js, which scripts/e2e.js runs (`npm run e2e`).
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	// Transpile only, file by file: type checking is `npm run typecheck`. Building a type-checked
	// program per worker is what made a cold cache (every CI run) slow.
	transform: {
		'^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }],
	},
	// A guard against a hang, not a budget: every wait in the tests is on a condition (20 s guard) and
	// every loop is bounded. On two cores kept busy by other processes a file's first test, which
	// loads n8n-core, alone can take over a minute (npm run test:load).
	testTimeout: 180_000,
	// The suites mostly wait on loopback servers, not on the CPU: four workers keep two cores busy.
	maxWorkers: 4,
	// Every test file's node runs, logs and file-host requests are scanned for the API key.
	setupFilesAfterEnv: [
		'<rootDir>/test/reliability/leak-setup.ts',
		'<rootDir>/test/helpers/fresh-limiters.ts',
		'<rootDir>/test/helpers/fresh-retry-ledger.ts',
	],
	collectCoverageFrom: ['nodes/**/*.ts'],
	coverageReporters: ['text', 'json-summary'],
};
