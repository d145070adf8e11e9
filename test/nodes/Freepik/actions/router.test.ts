import type { Simulator } from '../../../../simulator';
import { runFreepik, startSimulator } from '../../../helpers/freepik';
import { errorOf } from '../utils';

describe('router', () => {
	let sim: Simulator;
	beforeAll(async () => (sim = await startSimulator()));
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());

	it('refuses an operation it does not know, naming it, before any request', async () => {
		// e.g. a workflow saved by a newer version of the package, opened with this one
		const error = errorOf(await runFreepik(sim, { operation: 'translate' }));
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe(
			'The operation "translate" of resource "audioIsolation" is not supported',
		);
		expect(sim.requests).toEqual([]);
	});
});
