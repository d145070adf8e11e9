/**
 * The node as an AI Agent's tool, run through n8n's engine against the simulator. n8n turns a
 * `usableAsTool` node into a tool by appending "Tool" to its type name; these tests do the same
 * (the real conversion inside n8n 2.40.7 is covered by test/e2e/agent.e2e.js).
 */
import { FreepikApi } from '../../../../credentials/FreepikApi.credentials';
import { Freepik } from '../../../../nodes/Freepik/Freepik.node';
import { ISOLATE_TOOL_DESCRIPTION } from '../../../../nodes/Freepik/actions/audioIsolation/tool';
import { TEMPORARY_LINK_NOTE, failedTaskMessage } from '../../../../nodes/Freepik/helpers/messages';
import type { Simulator } from '../../../../simulator';
import { API_KEY, startSimulator } from '../../../helpers/freepik';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness =
	require('../../../../harness/n8n-harness') as typeof import('../../../../harness/n8n-harness');

function freepikTool(): Freepik {
	const tool = new Freepik();
	tool.description = { ...tool.description, name: `${tool.description.name}Tool` };
	return tool;
}

/** Runs the tool variant with the parameters a user leaves at their defaults; `args` are what the model sent. */
async function callTool(
	sim: Simulator,
	args: Record<string, unknown>,
	parameters: Record<string, unknown> = {},
) {
	const result = await harness.runNode({
		nodeType: freepikTool(),
		credentialTypes: { freepikApi: new FreepikApi() },
		credentials: {
			freepikApi: { apiKey: API_KEY, apiHost: 'custom', baseUrl: sim.apiUrl, webhookSecret: '' },
		},
		parameters: {
			resource: 'audioIsolation',
			operation: 'isolate',
			options: { pollInterval: 1 },
			...parameters,
		},
		items: [{ json: args }],
	});
	return result as {
		items: Array<{ json: Record<string, any>; binary?: object }>;
		error?: { message: string };
	};
}

const speech = {
	Sound_to_Isolate: 'A person speaking',
	File_URL: 'https://example.com/interview.mp3',
};

describe('tool mode (node type ending in "Tool")', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	it("works with its defaults: takes the model's arguments, waits, returns the link with a note and downloads nothing", async () => {
		const { items, error } = await callTool(sim, speech);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.json).toMatchObject({ status: 'COMPLETED', note: TEMPORARY_LINK_NOTE });
		expect(item.json.task_id).toEqual(expect.any(String));
		expect(item.json.generated).toHaveLength(1);
		expect(item.binary).toBeUndefined();
		expect(sim.requestsTo('create').map((r) => r.body)).toEqual([
			{ description: 'A person speaking', audio: 'https://example.com/interview.mp3' },
		]);
		expect(sim.requests.filter((r) => r.server === 'file')).toHaveLength(0);
	});

	it('never downloads, even when the workflow JSON asks for it', async () => {
		const { items } = await callTool(sim, speech, { downloadResult: true });
		expect(items[0].json.status).toBe('COMPLETED');
		expect(items[0].binary).toBeUndefined();
		expect(sim.requests.filter((r) => r.server === 'file')).toHaveLength(0);
	});

	it('an over-long description: the message alone names the field, the limit, that nothing was sent and the fix', async () => {
		const { error } = await callTool(sim, { ...speech, Sound_to_Isolate: 'x'.repeat(2600) });
		expect(error?.message).toBe(
			'Invalid "Sound to Isolate": is 2600 characters long; the limit is 2500. Nothing was sent to Freepik; shorten it to at most 2500 characters (name just the sound to keep) and call again.',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('an http:// URL is refused with the fix in the message', async () => {
		const { error } = await callTool(sim, {
			...speech,
			File_URL: 'http://example.com/interview.mp3',
		});
		expect(error?.message).toMatch(
			/^Invalid "File URL": .*https:\/\/.*Nothing was sent to Freepik; .*https:\/\/.* and call again\.$/,
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('the regular node still downloads by default and adds no note', async () => {
		const result = (await harness.runNode({
			nodeType: new Freepik(),
			credentialTypes: { freepikApi: new FreepikApi() },
			credentials: {
				freepikApi: { apiKey: API_KEY, apiHost: 'custom', baseUrl: sim.apiUrl, webhookSecret: '' },
			},
			parameters: {
				resource: 'audioIsolation',
				operation: 'isolate',
				description: 'A person speaking',
				inputSource: 'url',
				url: 'https://example.com/interview.mp3',
				options: { pollInterval: 1 },
			},
		})) as { items: Array<{ json: Record<string, any>; binary?: object }> };
		expect(result.items[0].binary).toBeDefined();
		expect(result.items[0].json.note).toBeUndefined();
	});
});

describe('texts an agent reads', () => {
	it('the Isolate tool description states the input rules, the result, the expiry and that it waits', () => {
		for (const fact of [
			'https://',
			'without logging in',
			'WAV, MP3, FLAC, OGG, M4A',
			'MP4, MOV, WEBM, AVI',
			'2500 characters',
			'task_id',
			'expires',
			'waits',
		]) {
			expect(ISOLATE_TOOL_DESCRIPTION).toContain(fact);
		}
	});

	it('a FAILED task names the task id, the likely causes and what happens next', () => {
		const message = failedTaskMessage('046b6c7f-0b8a-43b9-b35d-6489e6daee91');
		expect(message).toMatch(/^Freepik task 046b6c7f-0b8a-43b9-b35d-6489e6daee91 FAILED: /);
		expect(message).toMatch(/public/);
		expect(message).toMatch(/format|WAV/);
		expect(message).toMatch(/not in the file/);
		expect(message).toMatch(/new task/);
	});
});
