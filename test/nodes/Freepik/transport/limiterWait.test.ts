/** What a call refused by the shared limiter tells the user: not sent, what held it, which limit. */
import type { INode } from 'n8n-workflow';

import { acquireBeforeDeadline } from '../../../../nodes/Freepik/transport/limiterWait';
import { FREEPIK_RATE_LIMITS, RateLimiter } from '../../../../nodes/Freepik/transport/rateLimiter';

const node: INode = {
	id: 'freepik',
	name: 'Freepik',
	type: 'n8n-nodes-freepik.freepik',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** `perSecond` requests per second, one slot already taken: the next one waits about 1 / rate. */
function busyLimiter(perSecond = 0.1) {
	const limits = { ...FREEPIK_RATE_LIMITS, burstPerSecond: perSecond, averagePerSecond: perSecond };
	const limiter = new RateLimiter(limits);
	expect(limiter.tryAcquire()).toBe(0);
	return limiter;
}

const call = (kind: 'create' | 'read', deadline: number | undefined, timeoutMs: number) => ({
	baseUrl: 'https://api.freepik.com/v1',
	action: kind === 'create' ? 'creating the isolation task' : 'getting task t-1',
	policy: { kind, itemIndex: 0, deadline },
	timeoutMs,
});

describe('a call the rate limiter cannot send before its deadline', () => {
	it('a create past its Max Wait Time: not sent, so no task was created, and what held it', async () => {
		const error = await acquireBeforeDeadline(
			busyLimiter(),
			node,
			call('create', Date.now() + 100, 300_000),
		).catch((e: Error) => e);
		expect((error as Error).message).toMatch(
			/while creating the isolation task \(not sent, so no task was created: the rate limit for api\.freepik\.com \(0\.1 requests\/s on average, 0\.1\/s in bursts\) holds it past this call's Max Wait Time\)/,
		);
	});

	it("is sent when asked a moment past its Max Wait Time (the engine's last poll) and held only briefly", async () => {
		// The last poll of a wait is asked at its deadline, a few ms late on a busy event loop.
		const idle = new RateLimiter(FREEPIK_RATE_LIMITS);
		const late = call('read', Date.now() - 5, 300_000);
		expect(await acquireBeforeDeadline(idle, node, late)).toEqual(expect.any(Number));
		// Paced: 4 requests/s, one just sent, so this one waits about 280 ms.
		const paced = busyLimiter(4);
		expect(await acquireBeforeDeadline(paced, node, late)).toEqual(expect.any(Number));
	});

	it("a read past its Request Timeout says 'not sent' and names the Request Timeout", async () => {
		const error = await acquireBeforeDeadline(
			busyLimiter(),
			node,
			call('read', undefined, 100),
		).catch((e: Error) => e);
		expect((error as Error).message).toMatch(
			/while getting task t-1 \(not sent: the rate limit for api\.freepik\.com .* past this call's Request Timeout\)/,
		);
		expect((error as { description?: string }).description).toMatch(/raise the Request Timeout/);
	});
});
