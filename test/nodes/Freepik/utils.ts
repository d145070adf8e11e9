/** Small helpers shared by the Freepik node suites (the run helper is test/helpers/freepik.ts, over harness/n8n-harness.js). */
import { createHash, randomBytes } from 'crypto';

import type { Simulator } from '../../../simulator';
import { API_KEY, runFreepik } from '../../helpers/freepik';

export type RunResult = Awaited<ReturnType<typeof runFreepik>>;

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * An input file (1.5 MB) that spans many of the node's read chunks and whose size is not a
 * multiple of 3, so base64 chunk boundaries and the final padding are both exercised.
 */
export function sampleFile(bytes = 2 * 786_432 + 1): Buffer {
	return randomBytes(bytes);
}

export const mp3 = (data: Buffer, fileName = 'interview.mp3') => ({
	data,
	fileName,
	mimeType: 'audio/mpeg',
});

/** Expression that makes each input item's `json.d` the description (and so its simulator hints). */
export const perItemDescription = '={{ $json.d }}';
export const itemsWith = (...descriptions: string[]) => descriptions.map((d) => ({ json: { d } }));

/** The one error a run produced, with a readable failure when there was none. */
export function errorOf(result: RunResult) {
	if (!result.error)
		throw new Error(`expected an error, got items: ${JSON.stringify(result.items).slice(0, 500)}`);
	return result.error as NonNullable<RunResult['error']> & { name: string; httpCode?: string };
}

/** Every task the simulator created, in creation order. */
export const createdTaskIds = (sim: Simulator) =>
	[...sim.tasks.values()].sort((a, b) => a.index - b.index).map((task) => task.id);

/** Asserts that nothing in the run's output, error or logs, nor any file-host request, carries the key. */
export function expectNoKeyLeak(sim: Simulator, result: RunResult, key = API_KEY) {
	expect(JSON.stringify(result.items)).not.toContain(key);
	expect(JSON.stringify(result.error ?? null)).not.toContain(key);
	if (result.error) {
		expect(String(result.error.message)).not.toContain(key);
		expect(String(result.error.description ?? '')).not.toContain(key);
	}
	expect(JSON.stringify(result.logs)).not.toContain(key);
	for (const request of sim.requests.filter((r) => r.server === 'file')) {
		expect(request.headers['x-freepik-api-key']).toBeUndefined();
		expect(JSON.stringify(request)).not.toContain(key);
	}
}
