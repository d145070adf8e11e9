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
	let resolve;
	const promise = new Promise((r) => (resolve = r));
	return { promise, resolve };
}

/** A source node that emits the items a test gives it, storing binaries through n8n's helpers. */
class SourceNode {
	constructor(items) {
		this.items = items;
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
	}
	/** n8n calls `execute` with its context as `this`, so each run's items travel in a closure. */
	static executeFor(items) {
		return async function () {
			return await SourceNode.emit(this, items);
		};
	}

	static async emit(ctx, items) {
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const { json = {}, binary = {} } = items[i];
			const item = { json, pairedItem: { item: 0 } };
			for (const [key, file] of Object.entries(binary)) {
				item.binary = item.binary || {};
				item.binary[key] = await ctx.helpers.prepareBinaryData(
					file.data,
					file.fileName,
					file.mimeType,
				);
			}
			out.push(item);
		}
		return [out];
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
		{
			mode,
			availableModes: ['default', 'filesystem'],
			localStoragePath: binaryDir,
			signingSecret: 'test',
		},
		{ error() {}, warn() {}, info() {} },
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
		Container.set(InstanceSettings, {
			n8nFolder: os.tmpdir(),
			instanceId: 'test',
			encryptionKey: 'test',
			instanceType: 'main',
		});
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
 * @param {number} [opts.cancelAfterMs]  cancel the execution (as the Stop button does) after this long
 * @param {object} [opts.additionalData]  overrides of n8n's additional data (e.g. webhookWaitingBaseUrl)
 * @param {string} [opts.resumeToken]  the token n8n 2.x puts into `$execution.resumeUrl`
 * @param {{retryOnFail?: boolean, maxTries?: number, waitBetweenTries?: number}} [opts.nodeSettings]
 *   the node's Settings tab (n8n's WorkflowExecute reruns a failing node with Retry On Fail)
 * @param {string} [opts.executionId]  default 'exec-1'
 * @param {string} [opts.nodeId]  the node's id (default '2'; a second node of a workflow has another)
 * @param {Record<string, string>} [opts.customData]  the execution's custom data when the node
 *   starts (as an earlier wait of the same execution left it)
 */
async function runNode(opts) {
	setUpContainer();
	const { ExecutionLifecycleHooks, WorkflowExecute } = n8n();
	await useBinaryMode(opts.binaryMode || 'default');
	const items = opts.items || [{ json: {} }];
	// Per run: executions started side by side must each get their own items.
	const source = new SourceNode(items);
	source.execute = SourceNode.executeFor(items);
	const typeName = `n8n-nodes-freepik.${opts.nodeType.description.name}`;
	const nodeTypes = {
		getByName: (name) => (name === 'test.source' ? source : opts.nodeType),
		getByNameAndVersion: (name) => (name === 'test.source' ? source : opts.nodeType),
		getKnownTypes: () => ({}),
	};
	const nodes = [
		{
			id: '1',
			name: 'Source',
			type: 'test.source',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: opts.nodeId || '2',
			name: 'Node',
			type: typeName,
			typeVersion: 1,
			position: [200, 0],
			parameters: opts.parameters,
			credentials: { freepikApi: { id: '1', name: 'Freepik' } },
			...(opts.nodeSettings || {}),
			...onErrorSetting(opts),
		},
	];
	const connections = { Source: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } };
	const workflow = new Workflow({
		id: 'wf',
		nodes,
		connections,
		nodeTypes,
		active: false,
		settings: {},
	});
	const credentialsHelper = new CredentialsHelper(opts.credentialTypes || {});
	credentialsHelper.data = opts.credentials || {};
	const executionId = opts.executionId || 'exec-1';
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'wf',
		nodes,
		connections,
	});
	const done = createDeferredPromise();
	hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
	const additionalData = {
		hooks,
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
	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const started = Date.now();
	const run = execute.processRunExecutionData(workflow);
	let cancelTimer;
	if (opts.cancelAfterMs !== undefined)
		cancelTimer = setTimeout(() => run.cancel(), opts.cancelAfterMs);
	const result = await done.promise;
	clearTimeout(cancelTimer);
	const nodeRun = result.data.resultData.runData.Node?.[0];
	const outputs = nodeRun?.data?.main || [];
	const errorOutput = opts.onError === 'continueErrorOutput';
	const outcome = {
		items: outputs[0] || [],
		// The error output (n8n's last main output) with On Error "Continue (using error output)".
		errorItems: errorOutput ? outputs[outputs.length - 1] || [] : [],
		error: nodeRun?.error || result.data.resultData.error,
		status: result.status,
		durationMs: Date.now() - started,
		logs: capturedLogs,
	};
	// What a waiting execution's webhook() needs: the saved run data, the workflow, n8n's additional
	// data. Not enumerable: they hold the test credential, and leak scans serialise the outcome.
	Object.defineProperties(outcome, {
		run: { value: result },
		workflow: { value: workflow },
		additionalData: { value: additionalData },
	});
	return outcome;
}

/** Reads an output binary back from wherever n8n stored it. */
async function readBinary(binaryData) {
	const { BinaryDataService, Container } = n8n();
	return await Container.get(BinaryDataService).getAsBuffer(binaryData);
}

module.exports = { runNode, readBinary, useBinaryMode, capturedLogs };
