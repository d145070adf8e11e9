/** Unit and in-process n8n tests. The real-n8n suite has its own config (test/e2e). */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	testTimeout: 60000,
	// Every test file's node runs, logs and file-host requests are scanned for the API key.
	setupFilesAfterEnv: ['<rootDir>/test/reliability/leak-setup.ts', '<rootDir>/test/helpers/fresh-limiters.ts'],
};
