// The import rules of ARCHITECTURE.md, checked by `npm run lint:deps` (part of `npm run lint`).
// Layers, top to bottom; every import goes down:
//   nodes (*.node.ts) → actions/ (operations) | trigger/ → resume/ → engine/ → transport/
//   → webhook/ (shared webhook verification) → helpers/ (leaves)
const F = '^nodes/Freepik/';
const NODES = `${F}[^/]+[.]node[.]ts$`;
const TRIGGER = `${F}(FreepikTrigger[.]node[.]ts$|trigger/)`;
const FREEPIK_NODE = `${F}(Freepik[.]node[.]ts$|actions/|resume/|engine/|transport/)`;

/** A rule forbidding `from` to import any of `to` (folders under nodes/Freepik/ or paths). */
const down = (name, comment, from, to) => ({
	name,
	comment,
	severity: 'error',
	from: { path: from },
	to: { path: to },
});

module.exports = {
	forbidden: [
		{
			name: 'no-cycles',
			comment: 'Two modules that import each other cannot be understood or tested one at a time.',
			severity: 'error',
			from: {},
			to: { circular: true },
		},
		down(
			'helpers-are-leaves',
			'helpers/ import only other helpers (and n8n-workflow): every layer may use them.',
			`${F}helpers/`,
			`${F}(?!helpers/)|^credentials/`,
		),
		down(
			'webhook-imports-only-helpers',
			'The shared webhook verification serves the trigger and resume: it knows neither.',
			`${F}webhook/`,
			`${F}(?!helpers/|webhook/)`,
		),
		down(
			'transport-imports-nothing-above',
			'The Freepik client knows nothing of waiting, operations, webhooks or nodes.',
			`${F}transport/`,
			`${F}(?!helpers/|transport/)`,
		),
		down(
			'engine-imports-nothing-above',
			'The poll engine and the batch runner sit on the transport, under resume and operations.',
			`${F}engine/`,
			`${F}(?!helpers/|transport/|engine/)`,
		),
		down(
			'resume-imports-nothing-above',
			'Resume on Webhook is waiting: operations call it, it never calls them.',
			`${F}resume/`,
			`${F}(?!helpers/|transport/|engine/|webhook/|resume/)`,
		),
		down(
			'actions-import-nothing-above',
			'Operations are called by the node (router), never the other way round.',
			`${F}actions/`,
			NODES,
		),
		down(
			'trigger-stays-out-of-the-node',
			"The trigger uses the shared webhook/ and helpers/ only, not the Freepik node's internals.",
			TRIGGER,
			FREEPIK_NODE,
		),
		down(
			'node-stays-out-of-the-trigger',
			"The Freepik node (resume included) does not use the trigger's own modules.",
			FREEPIK_NODE,
			TRIGGER,
		),
		down(
			'nothing-imports-a-node',
			'A node file is the top of the tree: n8n loads it, no module imports it.',
			'^(nodes|credentials)/',
			NODES,
		),
		down(
			'credentials-use-only-the-api-host',
			'The credential shares only the API host list and request signing with the transport.',
			'^credentials/',
			`^nodes/(?!Freepik/transport/apiHost[.]ts$)`,
		),
		{
			name: 'signature-without-n8n',
			comment: 'signature.ts is plain Node.js crypto, testable and reusable without n8n.',
			severity: 'error',
			from: { path: `${F}webhook/signature[.]ts$` },
			to: { path: '^n8n-|node_modules/n8n-' },
		},
	],
	options: {
		includeOnly: '^(nodes|credentials)/|n8n-workflow',
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		doNotFollow: { path: 'node_modules' },
	},
};
