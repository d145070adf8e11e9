import { Slots } from '../../../../nodes/Freepik/engine/sync';

describe('Slots (download slots)', () => {
	it('hands out at most its size, and a released slot to the next waiter', async () => {
		const slots = new Slots(1);
		expect(await slots.acquire()).toBe(true);
		let second: boolean | undefined;
		const waiting = slots.acquire().then((granted) => (second = granted));
		await Promise.resolve();
		expect(second).toBeUndefined();
		slots.release();
		await waiting;
		expect(second).toBe(true);
	});

	it('after a cancel, wakes its waiters with "no" and grants nothing more, even when free', async () => {
		const controller = new AbortController();
		const slots = new Slots(2, controller.signal);
		expect(await slots.acquire()).toBe(true);
		expect(await slots.acquire()).toBe(true);
		const waiter = slots.acquire();
		controller.abort();
		expect(await waiter).toBe(false);
		slots.release();
		slots.release();
		expect(await slots.acquire()).toBe(false);
	});
});
