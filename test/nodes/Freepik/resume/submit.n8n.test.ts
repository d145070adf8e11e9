/**
 * Isolate with Wait Mode "Resume on Webhook": what execute() refuses or reports before the
 * execution waits, through n8n-core (the waiting and resuming paths are in resume.n8n.test.ts).
 */
import type { Simulator } from '../../../../simulator';
import { isolateFromUrl, runFreepik } from '../../../helpers/freepik';
import { resumeParameters, submit, type Receiver, useResumeServers } from '../../../helpers/resume';

let sim: Simulator;
let receiver: Receiver;
useResumeServers(150, (servers) => ({ sim, receiver } = servers));

describe('Resume on Webhook: refused or reported before waiting', () => {
	it('is refused on the AI-tool variant, which needs the result in the same run', async () => {
		const result = await runFreepik(
			sim,
			isolateFromUrl({ waitForCompletion: true, waitMode: 'webhook' }),
			{
				asTool: true,
			},
		);
		expect(result.error?.message).toBe(
			'Wait Mode "Resume on Webhook" is not available when the node runs as an AI tool',
		);
		expect(sim.stats().creates).toBe(0);
	});

	it('refuses an Put Output File in Field longer than the waiting execution can keep', async () => {
		const result = await submit(
			sim,
			receiver,
			resumeParameters({ options: { outputBinaryPropertyName: 'f'.repeat(201) } }),
		);
		expect(result.error?.message).toBe(
			'Invalid "Put Output File in Field": at most 200 characters with Wait Mode "Resume on Webhook"',
		);
		expect(sim.stats().creates).toBe(0);
	});

	it('without Continue On Fail, a create Freepik refuses fails the run instead of waiting', async () => {
		sim.addFault({ route: 'create', kind: 'status', status: 400, body: { message: 'Bad audio' } });
		const result = await submit(sim, receiver, resumeParameters());
		expect(result.status).not.toBe('waiting');
		expect(result.error?.message).toContain('Bad audio');
	});

	it('with Continue On Fail and no task created at all, returns the error items without waiting', async () => {
		const result = await submit(sim, receiver, resumeParameters(), {
			items: [{ json: { d: 'x'.repeat(2501) } }],
			continueOnFail: true,
		});
		expect(result.status).not.toBe('waiting');
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toContain('Sound to Isolate');
		expect(sim.stats().creates).toBe(0);
	});
});
