/**
 * The node panel's defaults. n8n's lint wants literal defaults in the description, so the values
 * shown in the panel are checked here against the ones the code falls back to.
 */
import type { INodeProperties } from 'n8n-workflow';

import { Freepik } from '../../../nodes/Freepik/Freepik.node';
import { DEFAULTS } from '../../../nodes/Freepik/helpers/limits';
import { FREEPIK_RATE_LIMITS } from '../../../nodes/Freepik/transport/rateLimiter';

const properties = new Freepik().description.properties;

function field(name: string, operation: string): INodeProperties {
	const found = properties.find(
		(p) => p.name === name && p.displayOptions?.show?.operation?.includes(operation),
	);
	if (!found) throw new Error(`no field ${name} for operation ${operation}`);
	return found;
}

function option(collection: INodeProperties, name: string): INodeProperties {
	const found = (collection.options as INodeProperties[]).find((o) => o.name === name);
	if (!found) throw new Error(`no option ${name} in ${collection.name}`);
	return found;
}

describe('Freepik node panel defaults', () => {
	it('Isolate waits for completion by default, Get does not', () => {
		expect(field('waitForCompletion', 'isolate').default).toBe(true);
		expect(field('waitForCompletion', 'get').default).toBe(false);
	});

	it("shows Freepik's own rate limits as the default request rates", () => {
		const options = field('tuning', 'isolate');
		expect(option(options, 'averageRequestsPerSecond').default).toBe(
			FREEPIK_RATE_LIMITS.averagePerSecond,
		);
		expect(option(options, 'burstRequestsPerSecond').default).toBe(
			FREEPIK_RATE_LIMITS.burstPerSecond,
		);
	});

	it('shows the defaults the code falls back to, for every field that has one in DEFAULTS', () => {
		const seen: string[] = [];
		const visit = (list: INodeProperties[]) => {
			for (const p of list) {
				if (p.name in DEFAULTS) {
					expect({ field: p.name, default: p.default }).toEqual({
						field: p.name,
						default: DEFAULTS[p.name as keyof typeof DEFAULTS],
					});
					seen.push(p.name);
				}
				if (p.type === 'collection' && Array.isArray(p.options))
					visit(p.options as INodeProperties[]);
			}
		};
		visit(properties);
		expect(new Set(seen)).toEqual(
			new Set([
				'limit',
				'sampleFps',
				'rerankingCandidates',
				'pollInterval',
				'maxWaitTime',
				'outputBinaryPropertyName',
				'maxTasksInFlight',
				'requestTimeout',
				'averageRequestsPerSecond',
				'burstRequestsPerSecond',
				'maxParallelUploads',
			]),
		);
	});
});
