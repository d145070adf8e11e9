// @ts-check
'use strict';
// The example chains of examples/ as scripts/e2e-chains.js runs them: the shipped files, with only
// what a user also changes after importing one filled in (credential ids), plus two timings made
// short for a test run (the schedule, the poll interval). Everything else runs as shipped.
const fs = require('node:fs');
const path = require('node:path');
const H = require('../../harness/n8n-headless');

const EXAMPLES = path.join(H.REPO, 'examples');

/** The chains: file, the node names the e2e looks at, and what it substitutes. */
const CHAINS = {
	s3: {
		file: 'chain-schedule-isolate-s3.json',
		trigger: 'Every morning',
		store: 'Upload WAV to S3',
		failed: 'Tell the team it failed',
	},
	email: {
		file: 'chain-isolate-email.json',
		trigger: 'Episode URL received',
		deliver: 'Email the WAV',
	},
	sftp: {
		file: 'chain-isolate-sftp.json',
		trigger: 'Episode URL received',
		store: 'Upload WAV over SFTP',
	},
};
const ISOLATE = "Isolate the host's voice";

/** Credentials of the run, by credential type: { type: { id, name } }. */
function credentialRefs(ids) {
	return Object.fromEntries(
		Object.entries(ids).map(([type, ref]) => [type, { id: ref.id, name: ref.name }]),
	);
}

/**
 * Load one example and fill in the run's values:
 *  - every credential placeholder (id REPLACE_ME) by the imported credential of that type;
 *  - scheduleSeconds: the Schedule Trigger fires every N seconds instead of every morning;
 *  - pollSeconds: the Freepik node's Poll Interval.
 * Returns { workflow, webhookPath, ...CHAINS[key] } (webhookPath: the Webhook trigger's path).
 */
/**
 * @param {string} key
 * @param {{ credentials: object, scheduleSeconds?: number, pollSeconds?: number }} options
 */
function loadChain(key, { credentials, scheduleSeconds, pollSeconds }) {
	const chain = CHAINS[key];
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, chain.file), 'utf8'));
	let webhookPath;
	for (const node of workflow.nodes) {
		for (const [type, ref] of Object.entries(node.credentials ?? {})) {
			if (ref.id !== 'REPLACE_ME')
				throw new Error(
					`${chain.file}: node "${node.name}" has a real credential id; examples use REPLACE_ME`,
				);
			if (!credentials[type])
				throw new Error(`${chain.file}: no credential of type ${type} for node "${node.name}"`);
			node.credentials[type] = credentials[type];
		}
		if (node.type === 'n8n-nodes-base.scheduleTrigger' && scheduleSeconds) {
			node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: scheduleSeconds }] };
		}
		if (node.type === `${H.REGISTRY_PREFIX}freepik` && pollSeconds) {
			node.parameters.options = { ...node.parameters.options, pollInterval: pollSeconds };
		}
		// The Webhook node's path is the full path (isFullPath): /webhook/<path>.
		if (node.type === 'n8n-nodes-base.webhook') webhookPath = node.parameters.path;
	}
	return { workflow, webhookPath, ...chain };
}

module.exports = { CHAINS, ISOLATE, EXAMPLES, credentialRefs, loadChain };
