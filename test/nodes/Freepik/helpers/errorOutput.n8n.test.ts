/**
 * On Error "Continue (using error output)" through n8n-core: failed items go to the error output
 * with their task id, status and reason; the success output holds only tasks that did what was asked.
 */
import type { Simulator } from '../../../../simulator';
import { isolateFromUrl, runFreepik, startSimulator } from '../../../helpers/freepik';

let sim: Simulator;
beforeAll(async () => (sim = await startSimulator({ taskDurationMs: 50 })));
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

const items = [{ json: { d: 'A person speaking' } }, { json: { d: 'A dog [sim:fail]' } }];
const params = isolateFromUrl({ description: '={{ $json.d }}' });

describe('On Error: Continue (using error output)', () => {
	it('puts a FAILED task on the error output with task_id, status and reason', async () => {
		const out = await runFreepik(sim, params, { items, onError: 'continueErrorOutput' });
		expect(out.status).toBe('success');
		expect(out.items.map((i) => i.json.status)).toEqual(['COMPLETED']);
		expect(out.errorItems).toHaveLength(1);
		const failed = out.errorItems[0];
		const [failedTask] = [...sim.tasks.values()].filter((t) => t.outcome === 'FAILED');
		expect(failed.json).toMatchObject({
			d: 'A dog [sim:fail]',
			error: `Freepik task ${failedTask.id} FAILED`,
			details: { task_id: failedTask.id, status: 'FAILED' },
		});
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect(sim.tasks.size).toBe(2);
	});

	it('puts an item refused before any request on the error output, the others go on', async () => {
		const urls = [{ json: { u: 'https://example.com/a.mp3' } }, { json: { u: 'ftp://x/b.mp3' } }];
		const out = await runFreepik(sim, isolateFromUrl({ url: '={{ $json.u }}' }), {
			items: urls,
			onError: 'continueErrorOutput',
		});
		expect(out.items).toHaveLength(1);
		expect(out.items[0].json).toMatchObject({ status: 'COMPLETED' });
		expect(out.errorItems).toHaveLength(1);
		expect(out.errorItems[0].json).toMatchObject({ u: 'ftp://x/b.mp3', error: /File URL/ });
		expect(out.errorItems[0].json.details.task_id).toBeUndefined();
		expect(sim.tasks.size).toBe(1);
	});

	it('keeps the regular Continue On Fail item on the success output, as before', async () => {
		const out = await runFreepik(sim, params, { items, onError: 'continueRegularOutput' });
		expect(out.errorItems).toEqual([]);
		const failed = out.items[1].json;
		expect(failed).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/FAILED/) });
		expect(failed.task_id).toEqual(expect.any(String));
	});
});
