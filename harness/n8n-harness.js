'use strict';
/**
 * Runs nodes in-process through n8n's real execution engine (n8n-core's WorkflowExecute and node
 * execution contexts): parameters, credentials, binary data (memory or filesystem mode),
 * continue-on-fail and cancellation behave as in n8n. Used by the jest suites and the benchmark.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ICredentialsHelper, NodeHelpers, Workflow } = require('n8n-workflow');

/**
 * n8n-core and its container, loaded on the first run: every jest file requires this module (the
 * leak check wraps runNode), half of them never run a node, and n8n-core takes a second to load.
 */
function n8n() {
	const {
		BinaryDataService,
		ExecutionLifecycleHooks,
		WorkflowExecute,
		InstanceSettings,
	} = require('n8n-core');
	const { Container } = require('@n8n/di');
	const { Logger } = require('@n8n/backend-common');
	return {
		BinaryDataService,
		ExecutionLifecycleHooks,
		WorkflowExecute,
		InstanceSettings,
		Container,
		Logger,
	};
}

function createDeferredPromise() {
	/** @type {(value: any) => void} */
	let resolve = () => {};
	const promise = new Promise((r) => (resolve = r));
	return { promise, resolve };
}

/**
 * A source node that emits the items a test gives it, storing binaries through n8n's helpers. The
 * items are the instance's own (n8n calls execute() on the execution context, so a closure): runs
 * in flight at once each emit theirs.
 */
class SourceNode {
	constructor(items) {
		this.description = {
			displayName: 'Source',
			name: 'source',
			group: ['input'],
			version: 1,
			description: '',
			defaults: { name: 'Source' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		};
		/** @this {import('n8n-workflow').IExecuteFunctions} */
		this.execute = async function () {
			const out = [];
			for (let i = 0; i < items.length; i++) {
				const { json = {}, binary = {} } = items[i];
				/** @type {import('n8n-workflow').INodeExecutionData} */
				const item = { json, pairedItem: { item: 0 } };
				for (const [key, file] of Object.entries(binary)) {
					item.binary = item.binary || {};
					item.binary[key] = await this.helpers.prepareBinaryData(
						file.data,
						file.fileName,
						file.mimeType,
					);
				}
				out.push(item);
			}
			return [out];
		};
	}
}

/** Passes on the first `count` of its input items (a smaller second pass, as a Limit node would). */
class TakeNode {
	constructor(count) {
		this.description = {
			displayName: 'Take',
			name: 'take',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Take' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		};
		/** @this {import('n8n-workflow').IExecuteFunctions} */
		this.execute = async function () {
			const items = this.getInputData().slice(0, count);
			return [items.map((item, index) => ({ json: item.json, pairedItem: { item: index } }))];
		};
	}
}

/** Credential auth as n8n applies it: an authenticate function, or generic `={{$credentials.x}}` header values. */
class CredentialsHelper extends ICredentialsHelper {
	constructor(types) {
		super();
		this.types = types;
		this.data = {};
	}
	getParentTypes() {
		return [];
	}
	async authenticate(credentials, typeName, requestOptions) {
		const auth = this.types[typeName]?.authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		const resolve = (v) =>
			typeof v === 'string'
				? v.replace(/^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/, (_, k) => String(credentials[k] ?? ''))
				: v;
		const headers = { ...(requestOptions.headers || {}) };
		for (const [k, v] of Object.entries(auth.properties.headers || {})) headers[k] = resolve(v);
		return { ...requestOptions, headers };
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	getCredentialsProperties() {
		return [];
	}
	/** Like n8n: stored fields plus the defaults of missing ones, hidden fields dropped (NodeHelpers.getNodeParameters). */
	async getDecrypted(_a, _n, type) {
		const properties = this.types[type]?.properties;
		const stored = this.data[type] || {};
		return properties
			? NodeHelpers.getNodeParameters(properties, stored, true, false, null, null)
			: stored;
	}
	/** @returns {Promise<any>} */
	async getCredentials() {
		throw new Error('not used');
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	isCredentialUsableByNode() {
		return true;
	}
}

const capturedLogs = [];
/** @type {any} n8n's Logger: every level records into capturedLogs */
const logger = new Proxy(
	{},
	{
		get: (_t, level) =>
			level === 'scoped'
				? () => logger
				: (message, meta) => {
						capturedLogs.push({ level: String(level), message: String(message), meta });
					},
	},
);

let binaryMode;
let binaryDir;
/** Selects n8n's binary data mode: 'default' (in memory) or 'filesystem' (files on disk). */
async function useBinaryMode(mode) {
	if (binaryMode === mode) return;
	const { BinaryDataService, Container } = n8n();
	binaryDir = binaryDir || fs.mkdtempSync(path.join(os.tmpdir(), 'freepik-binary-'));
	const service = new BinaryDataService(
		/** @type {any} A stand-in for n8n's config object: only the fields the service reads. */ ({
			mode,
			availableModes: ['default', 'filesystem'],
			localStoragePath: binaryDir,
			signingSecret: 'test',
		}),
		/** @type {any} an error reporter that reports nothing */ ({
			error() {},
			warn() {},
			info() {},
		}),
		logger,
	);
	await service.init();
	Container.set(BinaryDataService, service);
	binaryMode = mode;
}

let setUp = false;
function setUpContainer() {
	if (setUp) return;
	const { Container, InstanceSettings, Logger } = n8n();
	Container.set(Logger, logger);
	try {
		Container.get(InstanceSettings);
	} catch {
		Container.set(
			InstanceSettings,
			/** @type {any} the fields n8n-core reads */ ({
				n8nFolder: os.tmpdir(),
				instanceId: 'test',
				encryptionKey: 'test',
				instanceType: 'main',
			}),
		);
	}
	setUp = true;
}

/** The node's On Error setting: `onError` wins, `continueOnFail` means the regular output. */
function onErrorSetting(opts) {
	if (opts.onError) return { onError: opts.onError };
	return opts.continueOnFail ? { onError: 'continueRegularOutput' } : {};
}

/**
 * Runs `Source -> node` and returns the node's output items or its error.
 * @param {object} opts
 * @param {object} opts.nodeType  instance of the node class under test
 * @param {Record<string, object>} opts.credentialTypes  credential class instances by name
 * @param {Record<string, object>} opts.credentials  decrypted credential data by type name
 * @param {object} opts.parameters  node parameters
 * @param {Array<{json?: object, binary?: Record<string, {data: Buffer, fileName: string, mimeType: string}>}>} [opts.items]
 * @param {boolean} [opts.continueOnFail]  same as onError 'continueRegularOutput'
 * @param {'stopWorkflow'|'continueRegularOutput'|'continueErrorOutput'} [opts.onError]  the node's
 *   On Error setting (wins over continueOnFail); with 'continueErrorOutput' n8n moves error items
 *   to the node's last output, returned as `errorItems`
 * @param {'default'|'filesystem'} [opts.binaryMode]
 * @param {number | CancelGuard} [opts.cancelAfterMs]  cancel the execution (as the Stop button
 *   does) after this long, or when a guard says so
 * @param {() => boolean} [opts.cancelWhen]  cancel it once this is true (checked every 5 ms): a
 *   test that cancels at a point of the run, not after a time a loaded machine may overrun
 * @param {object} [opts.additionalData]  overrides of n8n's additional data (e.g. webhookWaitingBaseUrl)
 * @param {string} [opts.resumeToken]  the token n8n 2.x puts into `$execution.resumeUrl`
 * @param {{retryOnFail?: boolean, maxTries?: number, waitBetweenTries?: number}} [opts.nodeSettings]
 *   the node's Settings tab (n8n's WorkflowExecute reruns a failing node with Retry On Fail)
 * @param {{take: number, parameters: object}} [opts.secondPass]  `Node -> Take -> Node 2`: a
 *   second node of the same type and settings gets the first `take` items of the first one's output
 * @param {string} [opts.executionId]  default 'exec-1'
 * @param {string} [opts.nodeId]  the node's id (default '2'; a second node of a workflow has another)
 * @param {Record<string, string>} [opts.customData]  the execution's custom data when the node
 *   starts (as an earlier wait of the same execution left it)
 */
async function runNode(opts) {
	setUpContainer();
	await useBinaryMode(opts.binaryMode || 'default');
	const items = opts.items || [{ json: {} }];
	const { workflow, nodes, connections } = buildWorkflow(opts, new SourceNode(items));
	const credentialsHelper = new CredentialsHelper(opts.credentialTypes || {});
	credentialsHelper.data = opts.credentials || {};
	const executionId = opts.executionId || 'exec-1';
	const additionalData = {
		credentialsHelper,
		executionId,
		restApiUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		formWaitingBaseUrl: '',
		variables: {},
		currentNodeParameters: undefined,
		instanceBaseUrl: '',
		userId: 'user',
		executeWorkflow: async () => ({}),
		getRunExecutionData: async () => undefined,
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		logAiEvent: () => {},
		...(opts.additionalData || {}),
	};
	const runExecutionData = {
		...(opts.resumeToken ? { resumeToken: opts.resumeToken } : {}),
		resultData: { runData: {}, ...(opts.customData ? { metadata: { ...opts.customData } } : {}) },
		executionData: {
			metadata: {},
			contextData: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	};
	return await execute(
		{ workflow, nodes, connections, additionalData },
		runExecutionData,
		opts.cancelWhen ? cancelOnceTrue(opts.cancelWhen) : opts.cancelAfterMs,
	);
}

/** The workflow `Source -> Node` (and `-> Take -> Node 2` with a second pass). */
function buildWorkflow(opts, source) {
	const typeName = `n8n-nodes-freepik.${opts.nodeType.description.name}`;
	const take = new TakeNode(opts.secondPass?.take);
	const byName = { 'test.source': source, 'test.take': take };
	const nodeTypes = {
		getByName: (name) => byName[name] || opts.nodeType,
		getByNameAndVersion: (name) => byName[name] || opts.nodeType,
		getKnownTypes: () => ({}),
	};
	const nodeUnderTest = (id, name, parameters, x) => ({
		id,
		name,
		type: typeName,
		typeVersion: 1,
		position: [x, 0],
		parameters,
		credentials: { freepikApi: { id: '1', name: 'Freepik' } },
		...(opts.nodeSettings || {}),
		...onErrorSetting(opts),
	});
	const nodes = [
		{ id: '1', name: 'Source', type: 'test.source', typeVersion: 1, position: [0, 0] },
		nodeUnderTest(opts.nodeId || '2', 'Node', opts.parameters, 200),
	].map((node) => ({ parameters: {}, ...node }));
	/** @type {import('n8n-workflow').IConnections} */
	const connections = { Source: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } };
	if (opts.secondPass) {
		nodes.push(
			{ id: '3', name: 'Take', type: 'test.take', typeVersion: 1, position: [400, 0] },
			nodeUnderTest('4', 'Node 2', opts.secondPass.parameters, 600),
		);
		nodes[2].parameters = {};
		connections.Node = { main: [[{ node: 'Take', type: 'main', index: 0 }]] };
		connections.Take = { main: [[{ node: 'Node 2', type: 'main', index: 0 }]] };
	}
	const workflow = new Workflow({
		id: 'wf',
		nodes,
		connections,
		nodeTypes,
		active: false,
		settings: {},
	});
	return { workflow, nodes, connections };
}

/**
 * Runs (or goes on running) an execution until it ends or waits; resolves its outcome.
 * `cancel`: cancel it after this many ms, or when the guard calls its `cancel`.
 */
async function execute(setup, runExecutionData, cancel) {
	const { ExecutionLifecycleHooks, WorkflowExecute } = n8n();
	const { workflow, nodes, connections } = setup;
	const hooks = new ExecutionLifecycleHooks(
		'manual',
		setup.additionalData.executionId,
		/** @type {any} the fields the hooks read */ ({ id: 'wf', nodes, connections }),
	);
	const done = createDeferredPromise();
	hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
	const additionalData = { ...setup.additionalData, hooks };
	const run = new WorkflowExecute(
		additionalData,
		'manual',
		runExecutionData,
	).processRunExecutionData(workflow);
	const started = Date.now();
	const disarm = armCancel(cancel, () => run.cancel());
	const result = await done.promise;
	disarm();
	const outcomeOf = (name) =>
		nodeOutcome(
			result,
			name,
			nodes.find((n) => n.name === name),
		);
	const outcome = { ...outcomeOf('Node'), durationMs: Date.now() - started };
	outcome.error = outcome.error || result.data.resultData.error;
	Object.assign(outcome, {
		status: result.status,
		logs: capturedLogs,
		nodes: Object.fromEntries(
			Object.keys(result.data.resultData.runData).map((name) => [name, outcomeOf(name)]),
		),
	});
	// What a waiting execution's webhook() needs: the saved run data, the workflow, n8n's additional
	// data. Not enumerable: they hold the test credential, and leak scans serialise the outcome.
	Object.defineProperties(outcome, {
		run: { value: result },
		workflow: { value: workflow },
		additionalData: { value: additionalData },
		setup: { value: setup },
	});
	return outcome;
}

/** A node's last run: success output items, error output items (On Error: error output), error. */
function nodeOutcome(result, name, node) {
	const runs = result.data.resultData.runData[name] || [];
	const nodeRun = runs[runs.length - 1];
	const main = nodeRun?.data?.main || [];
	const hasErrorOutput = node?.onError === 'continueErrorOutput' && main.length > 1;
	return {
		items: main[0] || [],
		errorItems: hasErrorOutput ? main[main.length - 1] || [] : [],
		error: nodeRun?.error,
	};
}

/**
 * @typedef {(cancel: () => void) => () => void} CancelGuard  calls `cancel` when the execution
 *   should be stopped; returns what disarms it once the execution ended
 */

/** A guard that cancels once `when()` is true (checked every 5 ms). @returns {CancelGuard} */
function cancelOnceTrue(when) {
	return (cancel) => {
		const timer = setInterval(() => {
			if (!when()) return;
			clearInterval(timer);
			cancel();
		}, 5);
		return () => clearInterval(timer);
	};
}

/** @param {number | CancelGuard | undefined} cancelAfter @param {() => void} cancel */
function armCancel(cancelAfter, cancel) {
	if (typeof cancelAfter === 'function') return cancelAfter(cancel);
	if (cancelAfter === undefined) return () => {};
	const timer = setTimeout(cancel, cancelAfter);
	return () => clearTimeout(timer);
}

/**
 * Goes on with a waiting execution as n8n does once a callback's webhook() returned workflowData:
 * the waiting node's output becomes that data (n8n-core disables the node for the rest of the run,
 * its earlier run entry is replaced) and the workflow runs on from there, with the same run data
 * (custom data kept, as n8n keeps an execution's metadata across waits).
 */
async function continueRun(waiting, workflowData, cancelAfterMs) {
	const runExecutionData = JSON.parse(JSON.stringify(waiting.run.data));
	runExecutionData.executionData.nodeExecutionStack[0].data.main = workflowData;
	return await execute(waiting.setup, runExecutionData, cancelAfterMs);
}

/** Reads an output binary back from wherever n8n stored it. */
async function readBinary(binaryData) {
	const { BinaryDataService, Container } = n8n();
	return await Container.get(BinaryDataService).getAsBuffer(binaryData);
}

module.exports = { runNode, continueRun, readBinary, useBinaryMode, capturedLogs };
