import { randomUUID } from 'crypto';

import {
	CUSTOM_DATA_KEY_LIMIT,
	CUSTOM_DATA_VALUE_LIMIT,
	HEADER_KEY,
	isOwnKey,
	keysNeeded,
	largestBatch,
	packBatch,
	unpackBatch,
} from '../../../../nodes/Freepik/resume/packing';

const uuids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe('custom data packing of a waiting batch', () => {
	it('keeps 207 task ids in the 10 keys n8n allows, every value within 512 characters', () => {
		expect(largestBatch()).toBe(207);
		const taskIds = uuids(207);
		const packed = packBatch({ taskIds, downloadTo: 'data' });
		expect(Object.keys(packed)).toHaveLength(CUSTOM_DATA_KEY_LIMIT);
		for (const value of Object.values(packed))
			expect(value.length).toBeLessThanOrEqual(CUSTOM_DATA_VALUE_LIMIT);
		expect(unpackBatch(packed)).toEqual({ taskIds, downloadTo: 'data' });
	});

	it('needs an 11th key for 208 ids, and says so before anything is created', () => {
		expect(keysNeeded(207)).toBe(10);
		expect(keysNeeded(208)).toBe(11);
		expect(() => packBatch({ taskIds: uuids(208) })).toThrow(
			'need 11 custom data keys, 10 are free',
		);
	});

	it('shrinks the largest batch by the keys the workflow already uses', () => {
		expect(largestBatch(3)).toBe(6 * 23);
		expect(largestBatch(9)).toBe(0);
		expect(() => packBatch({ taskIds: uuids(24) }, 2)).toThrow('2 are free');
	});

	it('keeps items without a task, ids that are not UUIDs, and a field name with a bar, in item order', () => {
		const taskIds = [randomUUID(), null, 'task-42|x*', null, randomUUID().toUpperCase()];
		const batch = unpackBatch(packBatch({ taskIds, downloadTo: 'wav|out' }));
		expect(batch!.taskIds).toEqual([
			taskIds[0],
			null,
			'task-42|x*',
			null,
			taskIds[4]!.toLowerCase(),
		]);
		expect(batch!.downloadTo).toBe('wav|out');
	});

	it('keeps "no download" apart from a download field', () => {
		expect(unpackBatch(packBatch({ taskIds: uuids(1) }))!.downloadTo).toBeUndefined();
	});

	it('reads damaged or foreign custom data as no batch', () => {
		const packed = packBatch({ taskIds: uuids(3) });
		expect(unpackBatch({})).toBeUndefined();
		expect(unpackBatch({ ...packed, [HEADER_KEY]: '2|3|' })).toBeUndefined();
		expect(unpackBatch({ ...packed, [HEADER_KEY]: '1|4|' })).toBeUndefined();
		expect(
			unpackBatch({ ...packed, freepik_ids_0: packed.freepik_ids_0.slice(0, 50) }),
		).toBeUndefined();
		expect(
			unpackBatch({ ...packed, freepik_ids_0: `${packed.freepik_ids_0.slice(0, 43)}!` }),
		).toBeUndefined();
	});

	it('refuses ids that are not UUIDs when they cannot be kept, saying why', () => {
		const huge = 'x'.repeat(400); // 536 characters once encoded: more than one value holds
		expect(() => packBatch({ taskIds: [huge] })).toThrow(`task id too long to keep: ${huge}`);
		const long = Array.from({ length: 12 }, (_, i) => `${i}`.padEnd(300, 'y'));
		expect(() => packBatch({ taskIds: long }, 4)).toThrow(
			'12 task ids need 13 custom data keys, 4 are free',
		);
	});

	it("counts only the keys it writes itself as its own (an earlier wait), not the workflow's", () => {
		const own = Object.keys(packBatch({ taskIds: uuids(30) }));
		expect(own.every(isOwnKey)).toBe(true);
		expect(['customer', 'order_id', 'freepik'].some(isOwnKey)).toBe(false);
	});

	it('reads a later, smaller wait right over the keys an earlier wait left (n8n merges keys)', () => {
		const first = packBatch({ taskIds: uuids(30), waitId: 'a1' });
		expect(Object.keys(first)).toContain('freepik_ids_1');
		const secondIds = uuids(5);
		const second = packBatch({ taskIds: secondIds, waitId: 'b2' }, 10, first);
		expect(second.freepik_ids_1).toBe('');
		const merged = { customer: 'x', ...first, ...second };
		expect(unpackBatch(merged)).toEqual({ taskIds: secondIds, waitId: 'b2' });
		// Even if the blanking were lost, the header's key count ignores the stale key.
		expect(unpackBatch({ ...first, ...second, freepik_ids_1: first.freepik_ids_1 })).toEqual({
			taskIds: secondIds,
			waitId: 'b2',
		});
	});

	it('keeps an item whose create answer was lost apart from an item without a task', () => {
		const taskIds = [randomUUID(), null, null];
		const batch = unpackBatch(packBatch({ taskIds, uncertain: [2] }));
		expect(batch).toEqual({ taskIds, uncertain: [2] });
	});

	it('still reads a batch kept by the previous format (a wait that began before an update)', () => {
		const [a, b] = uuids(2);
		const { freepik_ids_0: ids } = packBatch({ taskIds: [a, b] });
		expect(unpackBatch({ freepik_resume: '1|2|data', freepik_ids_0: ids })).toEqual({
			taskIds: [a, b],
			downloadTo: 'data',
		});
	});
});
