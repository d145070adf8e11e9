import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import http from 'http';
import { AddressInfo } from 'net';
import { createSimulator, signWebhook, Simulator } from '../../simulator';
import { audio, createTask, getTask, waitFor } from './helpers';

interface Received {
	headers: http.IncomingHttpHeaders;
	body: string;
}

/** A webhook receiver on loopback that verifies signatures with the given HMAC key (independent of the simulator's code). */
async function startReceiver(key: Buffer) {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push({ headers: req.headers, body });
			res.statusCode = verify(key, req.headers, body) ? 204 : 401;
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

function verify(key: Buffer, headers: http.IncomingHttpHeaders, body: string) {
	const expected = createHmac('sha256', key)
		.update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
		.digest();
	return String(headers['webhook-signature'] ?? '')
		.split(' ')
		.some((entry) => {
			const [version, sig] = entry.split(',');
			const given = Buffer.from(sig ?? '', 'base64');
			return (
				version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
			);
		});
}

describe('webhooks', () => {
	let sim: Simulator;
	afterEach(() => sim?.close());

	it('signs with the UTF-8 secret and posts each status change in order, payload = task without data wrapper', async () => {
		sim = await createSimulator({ taskDurationMs: 200, webhookSecret: 'my plain secret' });
		const receiver = await startReceiver(Buffer.from('my plain secret', 'utf8'));
		try {
			const sentFrom = Math.floor(Date.now() / 1000);
			const { json } = await createTask(sim, {
				description: 'voice',
				audio: audio(),
				webhook_url: receiver.url,
			});
			const id = json.data.task_id;
			await waitFor(() => receiver.received.length >= 3);
			const receivedBy = Math.ceil(Date.now() / 1000);
			const bodies = receiver.received.map((r) => JSON.parse(r.body));
			expect(bodies.map((b) => b.status)).toEqual(['CREATED', 'IN_PROGRESS', 'COMPLETED']);
			expect(bodies[2]).toEqual((await getTask(sim, id)).data);
			for (const { headers } of receiver.received) {
				expect(headers['content-type']).toBe('application/json');
				expect(headers['webhook-id']).toMatch(/^msg_/);
				// The time of sending: after the task was created, before it was received.
				const timestamp = Number(headers['webhook-timestamp']);
				expect(timestamp).toBeGreaterThanOrEqual(sentFrom);
				expect(timestamp).toBeLessThanOrEqual(receivedBy);
			}
			expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(3);
			await waitFor(() => sim.webhookDeliveries.length === 3);
			expect(sim.webhookDeliveries.map((d) => [d.event, d.status])).toEqual([
				['CREATED', 204],
				['IN_PROGRESS', 204],
				['COMPLETED', 204],
			]);
		} finally {
			await receiver.close();
		}
	});

	it('signs with the base64-decoded key of a whsec_ secret, FAILED included', async () => {
		const key = randomBytes(24);
		sim = await createSimulator({
			taskDurationMs: 0,
			webhookSecret: `whsec_${key.toString('base64')}`,
		});
		const receiver = await startReceiver(key);
		try {
			await createTask(sim, {
				description: '[sim:fail]',
				audio: audio(),
				webhook_url: receiver.url,
			});
			await waitFor(() => sim.webhookDeliveries.length === 3);
			expect(sim.webhookDeliveries.map((d) => d.status)).toEqual([204, 204, 204]);
			expect(JSON.parse(receiver.received[2].body)).toMatchObject({
				status: 'FAILED',
				generated: [],
			});
		} finally {
			await receiver.close();
		}
	});

	it('delivers each event twice with the same webhook-id when webhookDuplicates is on', async () => {
		sim = await createSimulator({ taskDurationMs: 0, webhookDuplicates: true });
		const receiver = await startReceiver(Buffer.from('sim-webhook-secret'));
		try {
			await createTask(sim, { description: 'x', audio: audio(), webhook_url: receiver.url });
			await waitFor(() => receiver.received.length === 6);
			const ids = receiver.received.map((r) => r.headers['webhook-id']);
			expect(ids[0]).toBe(ids[1]);
			expect(ids[2]).toBe(ids[3]);
			expect(new Set(ids).size).toBe(3);
			await waitFor(() => sim.webhookDeliveries.length === 6);
			expect(sim.webhookDeliveries.map((d) => d.copy)).toEqual([1, 2, 1, 2, 1, 2]);
		} finally {
			await receiver.close();
		}
	});

	it('sends no scheduled webhook while dropWebhooks is on, and records each as dropped', async () => {
		sim = await createSimulator({ taskDurationMs: 0 });
		const receiver = await startReceiver(Buffer.from('sim-webhook-secret'));
		try {
			sim.configure({ dropWebhooks: true });
			await createTask(sim, { description: 'x', audio: audio(), webhook_url: receiver.url });
			await waitFor(() => sim.webhookDeliveries.length === 3);
			expect(sim.webhookDeliveries.map((d) => [d.event, d.status, d.error])).toEqual([
				['CREATED', null, 'dropped'],
				['IN_PROGRESS', null, 'dropped'],
				['COMPLETED', null, 'dropped'],
			]);
			sim.configure({ dropWebhooks: false });
			await createTask(sim, { description: 'y', audio: audio(), webhook_url: receiver.url });
			await waitFor(() => receiver.received.length === 3);
			// A delivery is recorded once the receiver's answer is read, after the receiver saw it.
			await waitFor(() => sim.webhookDeliveries.length === 6);
			expect(sim.webhookDeliveries.slice(3).map((d) => [d.event, d.status])).toEqual([
				['CREATED', 204],
				['IN_PROGRESS', 204],
				['COMPLETED', 204],
			]);
		} finally {
			await receiver.close();
		}
	});

	it('sendWebhook sends a signed or forged webhook on demand and returns the target status', async () => {
		sim = await createSimulator({ webhookSecret: 'sek' });
		const receiver = await startReceiver(Buffer.from('sek'));
		try {
			const task = { task_id: 't1', status: 'COMPLETED', generated: [] };
			const good = await sim.sendWebhook(receiver.url, task, {
				id: 'msg_fixed',
				timestamp: 1_700_000_000,
			});
			expect(good.status).toBe(204);
			expect(good.signature).toBe(
				signWebhook({
					id: 'msg_fixed',
					timestamp: 1_700_000_000,
					body: JSON.stringify(task),
					secret: 'sek',
				}),
			);
			const forged = await sim.sendWebhook(receiver.url, task, { signatureOverride: 'v1,AAAA' });
			expect(forged.status).toBe(401);
			const otherSecret = await sim.sendWebhook(receiver.url, task, { secret: 'not-sek' });
			expect(otherSecret.status).toBe(401);
			expect(receiver.received[1].headers['webhook-signature']).toBe('v1,AAAA');
			expect(sim.webhookDeliveries).toHaveLength(0); // on-demand sends are not task deliveries
		} finally {
			await receiver.close();
		}
	});

	it('signWebhook matches an independent HMAC computation', () => {
		const body = '{"task_id":"a","status":"CREATED","generated":[]}';
		const expected = createHmac('sha256', 'secret')
			.update(`msg_1.1700000000.${body}`)
			.digest('base64');
		expect(signWebhook({ id: 'msg_1', timestamp: 1700000000, body, secret: 'secret' })).toBe(
			`v1,${expected}`,
		);
		const key = Buffer.from('0123456789abcdef');
		const whsec = createHmac('sha256', key).update(`msg_1.1700000000.${body}`).digest('base64');
		expect(
			signWebhook({
				id: 'msg_1',
				timestamp: '1700000000',
				body,
				secret: `whsec_${key.toString('base64')}`,
			}),
		).toBe(`v1,${whsec}`);
	});

	it('accepts a non-loopback webhook_url but refuses to deliver to it', async () => {
		sim = await createSimulator({ taskDurationMs: 0 });
		const { res } = await createTask(sim, {
			description: 'x',
			audio: audio(),
			webhook_url: 'https://example.com/hook',
		});
		expect(res.status).toBe(200);
		await waitFor(() => sim.webhookDeliveries.length === 3);
		expect(
			sim.webhookDeliveries.every((d) => d.status === null && /not loopback/.test(d.error ?? '')),
		).toBe(true);
		const manual = await sim.sendWebhook('http://10.0.0.1/hook', {});
		expect(manual.status).toBeNull();
	});

	it('records an unreachable target without failing', async () => {
		sim = await createSimulator({ taskDurationMs: 0 });
		await createTask(sim, {
			description: '[sim:never]',
			audio: audio(),
			webhook_url: 'http://127.0.0.1:9/closed',
		});
		await waitFor(() => sim.webhookDeliveries.length === 2);
		expect(sim.webhookDeliveries.map((d) => d.event)).toEqual(['CREATED', 'IN_PROGRESS']);
		expect(sim.webhookDeliveries[0].status).toBeNull();
		expect(sim.webhookDeliveries[0].error).toBeTruthy();
	});
});
