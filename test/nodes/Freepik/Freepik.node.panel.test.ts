/**
 * What a person sees in the node panels, evaluated with n8n's own display rules
 * (NodeHelpers.displayParameter, as the editor applies them).
 */
import type { INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Freepik } from '../../../nodes/Freepik/Freepik.node';
import { FreepikTrigger } from '../../../nodes/Freepik/FreepikTrigger.node';

const freepik = new Freepik().description;
const trigger = new FreepikTrigger().description;
const TUNING = [
	'averageRequestsPerSecond',
	'burstRequestsPerSecond',
	'maxParallelUploads',
	'maxTasksInFlight',
	'requestTimeout',
];

const collections = (description: INodeTypeDescription) =>
	description.properties.filter((p) => p.type === 'collection');
const innerOf = (collection: INodeProperties) => collection.options as INodeProperties[];

/** The Isolate panel as a person fills it in: what is shown, top level and in Options. */
function isolatePanel(values: INodeParameters) {
	const root: INodeParameters = {
		resource: 'audioIsolation',
		operation: 'isolate',
		inputType: 'audio',
		inputSource: 'binary',
		waitForCompletion: true,
		downloadResult: true,
		waitMode: 'poll',
		...values,
	};
	const shown = (p: INodeProperties, nodeValues: INodeParameters) =>
		NodeHelpers.displayParameter(nodeValues, p, { typeVersion: 1 }, freepik, root);
	const top = freepik.properties.filter((p) => shown(p, root));
	const options = top.find((p) => p.name === 'options')!;
	return {
		top: top.map((p) => p.name),
		options: innerOf(options)
			.filter((p) => shown(p, {}))
			.map((p) => p.name),
	};
}

describe('Freepik node panel', () => {
	it('subtitles read in Title Case', () => {
		expect(freepik.subtitle).toContain('"Isolate Sound"');
		expect(freepik.subtitle).toContain('"Get Task"');
		expect(freepik.subtitle).toContain('"Get Many Tasks"');
	});

	it('Resume on Webhook hides Webhook URL and Poll Interval and shows what the mode needs', () => {
		const poll = isolatePanel({ waitMode: 'poll' });
		expect(poll.options).toEqual(expect.arrayContaining(['webhookUrl', 'pollInterval']));
		expect(poll.top).not.toContain('waitModeNotice');

		const webhook = isolatePanel({ waitMode: 'webhook' });
		expect(webhook.options).not.toContain('webhookUrl');
		expect(webhook.options).not.toContain('pollInterval');
		expect(webhook.options).toEqual(expect.arrayContaining(['maxWaitTime']));
		expect(webhook.top).toContain('waitModeNotice');
		const notice = freepik.properties.find((p) => p.name === 'waitModeNotice')!;
		expect(notice.displayName).toMatch(/n8n 2\.x.*Webhook Secret.*WEBHOOK_URL/);
		const mode = freepik.properties.find((p) => p.name === 'waitMode')!;
		for (const option of mode.options as Array<{ description: string }>)
			expect(option.description.length).toBeLessThan(100);
	});

	it('keeps the tuning settings in Tuning, apart from the everyday Options', () => {
		for (const collection of collections(freepik)) {
			const names = innerOf(collection).map((p) => p.name);
			if (collection.name === 'tuning') expect(TUNING).toEqual(expect.arrayContaining(names));
			else for (const name of names) expect(TUNING).not.toContain(name);
		}
		const isolate = isolatePanel({});
		expect(isolate.top).toEqual(expect.arrayContaining(['options', 'tuning']));
	});
});

describe.each([
	['Freepik', freepik],
	['Freepik Trigger', trigger],
])('%s node panel', (_name, description) => {
	it('lists every collection alphabetically; Options say "Add Option"', () => {
		for (const collection of collections(description)) {
			const labels = innerOf(collection).map((p) => p.displayName);
			expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b)));
			if (collection.name === 'options') expect(collection.placeholder).toBe('Add Option');
		}
	});

	it('names the binary output field "Put Output File in Field"', () => {
		const all = [...description.properties, ...collections(description).flatMap(innerOf)].filter(
			(p) => p.name === 'outputBinaryPropertyName',
		);
		expect(all.length).toBeGreaterThan(0);
		for (const p of all) expect(p.displayName).toBe('Put Output File in Field');
	});
});

it("the Trigger's notice is two sentences at most", () => {
	const notice = trigger.properties.find((p) => p.type === 'notice')!;
	expect(notice.displayName.split(/\.\s/).length).toBeLessThanOrEqual(2);
	expect(notice.displayName.length).toBeLessThan(200);
});
