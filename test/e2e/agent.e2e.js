// @ts-check
'use strict';
// End-to-end: the Freepik tool inside n8n's AI Agent, in a real headless n8n. The model is a
// scripted OpenAI-compatible stub on 127.0.0.1 (test/e2e/llm-stub.js) that records every request,
// so each case asserts on what the model was shown: the tool's description and argument schema,
// and the tool result or error text it acts on. The Freepik tool keeps the defaults a new user
// gets (only Poll Interval is shortened), so these cases also check that it works out of the box.
// Run alone with `npm run e2e:agent`; part of `npm run e2e`.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');
const H = require('../../harness/n8n-headless');
const E = require('./harness');
const { startLlmStub } = require('./llm-stub');

const LINE = process.env.N8N_LINE || '2';
const OPENAI_CREDENTIAL = { id: 'fpE2eOpenAiStub1', name: 'OpenAI (loopback stub)' };
const TOOL_NODE = 'Isolate Sound'; // the model sees it as the tool "Isolate_Sound"
const TOOL_NAME = TOOL_NODE.replace(/ /g, '_');
const FILE_URL = 'https://example.com/interview.mp3';

// ---------------------------------------------------------------- the model's script, per case

/** Each case's prompt carries `case:<name>`; the stub plays the model's part for that case. */
const scripts = {
	// One call with good arguments, then an answer.
	happy: (turn) => (turn === 0 ? callTool('A person speaking', FILE_URL) : undefined),
	// Sends an over-long description, reads the error, shortens it and calls again.
	tooLong: (turn, toolResults) => {
		if (turn === 0)
			return callTool(
				`${'A person speaking with a calm and clear voice, '.repeat(60).slice(0, 2599)}.`,
				FILE_URL,
			);
		if (
			turn === 1 &&
			/Nothing was sent to Freepik/.test(toolResults[0]) &&
			/limit is 2500/.test(toolResults[0])
		) {
			return callTool('A person speaking', FILE_URL);
		}
		return undefined;
	},
	// Freepik reports FAILED (the simulator's [sim:fail] hint).
	failed: (turn) => (turn === 0 ? callTool('A person speaking [sim:fail]', FILE_URL) : undefined),
	// An http:// link.
	insecureUrl: (turn) =>
		turn === 0 ? callTool('A person speaking', 'http://example.com/interview.mp3') : undefined,
};

function callTool(sound, url) {
	return { toolCall: { name: TOOL_NAME, arguments: { Sound_to_Isolate: sound, File_URL: url } } };
}

const caseOf = (body) => {
	const user = body.messages.find((m) => m.role === 'user');
	const text =
		typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? '');
	return (text.match(/case:(\w+)/) || [])[1];
};
const toolResults = (body) =>
	body.messages
		.filter((m) => m.role === 'tool')
		.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));

function modelScript(body) {
	const name = caseOf(body);
	if (!scripts[name]) throw new Error(`no script for case ${name}`);
	const results = toolResults(body);
	const next = scripts[name](results.length, results);
	return next ?? { content: `done (${name}): ${results.at(-1) ?? 'no tool result'}` };
}

// ---------------------------------------------------------------- workflows

const node = (name, type, typeVersion, parameters, extra = {}) => ({
	id: crypto.randomUUID(),
	name,
	type,
	typeVersion,
	position: [0, 0],
	parameters,
	...extra,
});

/** Manual Trigger → Prompt (Set chatInput) → AI Agent, with the stub model and the Freepik tool. */
function agentWorkflow(id, caseName, typePrefix) {
	const prompt = `case:${caseName} Please isolate the voice in ${FILE_URL}`;
	const nodes = [
		node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, { position: [0, 0] }),
		node(
			'Prompt',
			'n8n-nodes-base.set',
			3.4,
			{
				mode: 'manual',
				assignments: {
					assignments: [{ id: 'p1', name: 'chatInput', value: prompt, type: 'string' }],
				},
				options: {},
			},
			{ position: [220, 0] },
		),
		node(
			'AI Agent',
			'@n8n/n8n-nodes-langchain.agent',
			3.1,
			{ promptType: 'define', text: '={{ $json.chatInput }}', options: { maxIterations: 6 } },
			{ position: [440, 0] },
		),
		node(
			'OpenAI Chat Model',
			'@n8n/n8n-nodes-langchain.lmChatOpenAi',
			1.2,
			{ model: { __rl: true, mode: 'id', value: 'stub-model' }, options: { maxRetries: 0 } },
			{ position: [360, 220], credentials: { openAiApi: OPENAI_CREDENTIAL } },
		),
		node(
			TOOL_NODE,
			`${typePrefix}freepikTool`,
			1,
			{ resource: 'audioIsolation', operation: 'isolate', options: { pollInterval: 1 } },
			{ position: [560, 220], credentials: { freepikApi: E.CREDENTIALS.good } },
		),
	];
	const connections = {
		Start: { main: [[{ node: 'Prompt', type: 'main', index: 0 }]] },
		Prompt: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
		'OpenAI Chat Model': {
			ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
		},
		[TOOL_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
	};
	return {
		id,
		name: `e2e agent: ${caseName}`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------- setup

const ids = Object.fromEntries(
	Object.keys(scripts).map((name, i) => [name, `fpE2eAgent${String(i + 1).padStart(2, '0')}00000`]),
);
let ctx;
let stub;
let dist; // the built texts the node uses, to compare with what the model received

beforeAll(async () => {
	if (LINE !== '2') return;
	ctx = await E.setup();
	stub = await startLlmStub(modelScript);
	await ctx.n8n.importCredentials([
		{
			...OPENAI_CREDENTIAL,
			type: 'openAiApi',
			data: { apiKey: 'sk-stub-not-a-key', url: stub.baseUrl },
		},
	]);
	await ctx.n8n.importWorkflows(
		Object.entries(ids).map(([name, id]) => agentWorkflow(id, name, ctx.typePrefix)),
	);
	const built = (p) => require(path.join(H.REPO, 'dist', 'nodes', 'Freepik', p));
	dist = { ...built('actions/audioIsolation/tool.js'), ...built('helpers/messages.js') };
	console.error(`[e2e agent] n8n ${ctx.runtime.version}, model stub ${stub.baseUrl}`);
});

afterAll(async () => {
	if (stub) await stub.close();
	if (ctx) await ctx.teardown();
});

// ---------------------------------------------------------------- helpers

/** Runs a case's workflow; resolves { run, requests (the model's chat requests for this case), creates }. */
async function runCase(name) {
	const before = (await ctx.sim.stats()).creates;
	// Generous: on a loaded machine n8n's own startup inside `n8n execute` can take minutes.
	const run = await ctx.n8n.execute(ids[name], { timeoutMs: 300e3 });
	const requests = stub.completions().filter((b) => caseOf(b) === name);
	const creates = (await ctx.sim.stats()).creates - before;
	return { run, requests, creates };
}

function explain(run) {
	const err = H.executionError(run.output);
	return `exit ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}; error: ${err ? err.message : 'none'}\n--- stderr ---\n${run.stderr.slice(-2000)}\n--- stdout (end) ---\n${run.stdout.slice(-3000)}`;
}

function agentAnswer(run) {
	assert.ok(H.executionSucceeded(run), `workflow failed: ${explain(run)}`);
	const items = H.nodeItems(run.output, 'AI Agent');
	assert.ok(items?.length === 1, `the AI Agent gave no answer: ${explain(run)}`);
	return String(items[0].json.output);
}

/** The tool result the model received in request `index` (its last tool message), parsed. */
function toolMessage(requests, index) {
	if (process.env.E2E_DEBUG)
		console.error(
			`[e2e agent] request ${index} tool results:`,
			toolResults(requests[index] ?? { messages: [] }),
		);
	const results = toolResults(requests[index] ?? { messages: [] });
	assert.ok(
		results.length,
		`request ${index} to the model carries no tool result: ${JSON.stringify(requests[index]?.messages ?? null).slice(0, 2000)}`,
	);
	return JSON.parse(results.at(-1));
}

/** The error text the model received: n8n 2.40.7 passes a failed tool's message as `[{ error }]`. */
function toolError(requests, index) {
	const result = toolMessage(requests, index);
	const error = Array.isArray(result) ? result[0]?.error : result?.error;
	assert.equal(typeof error, 'string', `no error in the tool result: ${JSON.stringify(result)}`);
	return error;
}

// The AI Agent cases run on n8n 2.x only.
const agentTest = LINE === '2' ? test : test.skip;

// ---------------------------------------------------------------- cases

agentTest(
	'happy path: the model sees a complete tool, one task is created and task_id, status and the WAV link reach it',
	async () => {
		const { run, requests, creates } = await runCase('happy');
		const answer = agentAnswer(run);
		assert.equal(requests.length, 2, 'one tool call, then the answer');

		// What the model is told about the tool, with no setup beyond credentials.
		const tools = requests[0].tools ?? [];
		assert.equal(tools.length, 1);
		const fn = tools[0].function;
		assert.equal(fn.name, TOOL_NAME);
		assert.equal(fn.description, dist.ISOLATE_TOOL_DESCRIPTION);
		for (const fact of [
			'public https://',
			'WAV, MP3, FLAC, OGG, M4A',
			'MP4, MOV, WEBM, AVI',
			'at most 2500 characters',
			'task_id',
			'temporary',
			'waits',
		]) {
			assert.ok(fn.description.includes(fact), `tool description lacks "${fact}"`);
		}
		assert.deepEqual(Object.keys(fn.parameters.properties).sort(), [
			'File_URL',
			'Sound_to_Isolate',
		]);
		assert.equal(
			fn.parameters.properties.Sound_to_Isolate.description,
			dist.FROM_AI_HINTS.description,
		);
		assert.equal(fn.parameters.properties.File_URL.description, dist.FROM_AI_HINTS.url);

		// What the tool returned to the model.
		const result = toolMessage(requests, 1);
		assert.equal(result.length, 1);
		const [task] = result;
		assert.equal(task.status, 'COMPLETED');
		assert.match(task.task_id, /^[0-9a-f-]{36}$/);
		assert.equal(task.generated.length, 1);
		assert.ok(
			task.generated[0].startsWith(ctx.sim.fileUrl),
			`generated is not the simulator's WAV link: ${task.generated[0]}`,
		);
		assert.equal(task.note, dist.TEMPORARY_LINK_NOTE);
		assert.ok(answer.includes(task.task_id), 'the agent answered with the tool result');

		assert.equal(creates, 1, 'exactly one task');
		const sent = (await ctx.sim.requests()).filter((r) => r.route === 'create').at(-1);
		assert.deepEqual(sent.body, { description: 'A person speaking', audio: FILE_URL });
		const downloads = (await ctx.sim.requests()).filter((r) => r.server === 'file');
		assert.equal(
			downloads.length,
			0,
			'a tool does not download the WAV (the agent passes only JSON to the model)',
		);
	},
	420e3,
);

agentTest(
	'an over-long description: the model reads the limit and "Nothing was sent", shortens it, and the second call succeeds',
	async () => {
		const { run, requests, creates } = await runCase('tooLong');
		agentAnswer(run);
		assert.equal(requests.length, 3, 'bad call, corrected call, answer');
		assert.equal(
			toolError(requests, 1),
			'Invalid "Sound to Isolate": is 2600 characters long; the limit is 2500. Nothing was sent to Freepik; shorten it to at most 2500 characters (name just the sound to keep) and call again.',
		);
		const second = toolMessage(requests, 2);
		assert.equal(second[0].status, 'COMPLETED');
		assert.equal(creates, 1, 'the rejected call created nothing');
	},
	420e3,
);

agentTest(
	'a FAILED task: the model gets the task id and the likely causes',
	async () => {
		const { run, requests, creates } = await runCase('failed');
		agentAnswer(run);
		assert.equal(creates, 1);
		const { taskId } = (await ctx.sim.requests()).filter((r) => r.route === 'get').at(-1);
		const error = toolError(requests, 1);
		assert.ok(error.includes(taskId), `the error does not name task ${taskId}: ${error}`);
		assert.equal(error, dist.failedTaskMessage(taskId));
	},
	420e3,
);

agentTest(
	'an http:// URL is refused before anything is sent, with the fix in the message',
	async () => {
		const { run, requests, creates } = await runCase('insecureUrl');
		agentAnswer(run);
		const error = toolError(requests, 1);
		assert.match(error, /^Invalid "File URL": /);
		assert.match(error, /https:\/\//);
		assert.match(error, /Nothing was sent to Freepik; .+ and call again\.$/);
		assert.equal(creates, 0);
	},
	420e3,
);
