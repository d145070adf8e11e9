/**
 * The end-to-end suite (test/e2e/*.e2e.js) against a real headless n8n. Run it with `npm run e2e`
 * (scripts/e2e.js), which builds, packs and provisions n8n; plain `npx jest` skips these files.
 */
module.exports = {
	rootDir: __dirname,
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.js'],
	// Plain CommonJS for Node: nothing to transpile.
	transform: {},
	// Hooks included: setup may install n8n the first time. Cases set their own, shorter limits.
	testTimeout: 30 * 60e3,
};
