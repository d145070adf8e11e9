import * as diagnostics from 'diagnostics_channel';
import type { ClientRequest } from 'http';

import type { Clock } from '../../../nodes/Freepik/helpers/jobTypes';

interface Sleeper {
	/** When it wakes on this clock. */
	at: number;
	seq: number;
	/** Real time before which it does not wake (lets the simulator's tasks progress). */
	dueAt: number;
	resolve: () => void;
}

type RequestStart = { request: ClientRequest };

/**
 * The waiting engine's clock for the invariant matrix: its time moves only when a sleeper wakes,
 * to that sleeper's wake time, and a sleeper wakes only when `1 / speed` of its sleep has passed
 * in real time AND no request to the row's simulator is on the wire. A request's time (however
 * long a starved CPU makes it) and the work between sleeps count for nothing: a Max Wait Time
 * lasts as many polls as it should on a busy machine as on an idle one. Sleepers wake one at a
 * time, earliest first, each after the previous one's work started its requests.
 */
export class QuietClock implements Clock {
	private time = Date.now();
	private seq = 0;
	private readonly sleepers: Sleeper[] = [];
	private readonly inFlight = new Set<ClientRequest>();
	/** Each time the clock moved: the real moment and the time it moved to. */
	private readonly timeline: Array<{ wall: number; time: number }> = [];
	private readonly watchers: Array<{ at: number; action: () => void }> = [];
	private timer?: NodeJS.Timeout;

	/** `hosts`: the simulator's `host:port`s whose requests hold the clock. */
	constructor(
		private readonly hosts: string[],
		readonly speed: number,
	) {
		diagnostics.subscribe('http.client.request.start', this.onRequest);
		diagnostics.subscribe('http.client.response.finish', this.onAnswered);
		this.timeline.push({ wall: Date.now(), time: this.time });
	}

	now = () => this.time;

	sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
		if (signal?.aborted) return;
		await new Promise<void>((resolve) => {
			const sleeper: Sleeper = {
				at: this.time + Math.max(0, ms),
				seq: this.seq++,
				dueAt: Date.now() + Math.max(0, ms) / this.speed,
				resolve,
			};
			this.sleepers.push(sleeper);
			signal?.addEventListener('abort', () => this.drop(sleeper), { once: true });
			this.schedule();
		});
	};

	/** The time this clock showed at a real moment (e.g. when the simulator saw a request). */
	at(wallMs: number): number {
		for (let i = this.timeline.length - 1; i >= 0; i--)
			if (this.timeline[i].wall <= wallMs) return this.timeline[i].time;
		return this.timeline[0].time;
	}

	/** Calls `action` once this clock reaches `at` (it does not make the clock move). */
	whenPast(at: number, action: () => void): () => void {
		const watcher = { at, action };
		this.watchers.push(watcher);
		return () => {
			const index = this.watchers.indexOf(watcher);
			if (index >= 0) this.watchers.splice(index, 1);
		};
	}

	/** Sleepers not woken yet. */
	get pending(): number {
		return this.sleepers.length;
	}

	close(): void {
		diagnostics.unsubscribe('http.client.request.start', this.onRequest);
		diagnostics.unsubscribe('http.client.response.finish', this.onAnswered);
		clearTimeout(this.timer);
		this.sleepers.splice(0).forEach((sleeper) => sleeper.resolve());
	}

	private readonly onRequest = (message: unknown) => {
		const { request } = message as RequestStart;
		if (!this.hosts.includes(String(request.getHeader('host')))) return;
		this.inFlight.add(request);
		request.once('close', () => this.onAnswered({ request }));
	};

	private readonly onAnswered = (message: unknown) => {
		if (this.inFlight.delete((message as RequestStart).request)) this.schedule();
	};

	private drop(sleeper: Sleeper): void {
		const index = this.sleepers.indexOf(sleeper);
		if (index >= 0) this.sleepers.splice(index, 1);
		sleeper.resolve();
	}

	private next(): Sleeper | undefined {
		return this.sleepers.reduce<Sleeper | undefined>(
			(best, s) => (!best || s.at < best.at || (s.at === best.at && s.seq < best.seq) ? s : best),
			undefined,
		);
	}

	private schedule(): void {
		if (this.timer) clearTimeout(this.timer);
		const next = this.next();
		this.timer = next && setTimeout(() => this.wake(), Math.max(0, next.dueAt - Date.now()));
	}

	private wake(): void {
		this.timer = undefined;
		const next = this.next();
		// A request on the wire holds the clock; its answer schedules the next wake.
		if (!next || this.inFlight.size) return;
		if (next.dueAt > Date.now()) return this.schedule();
		this.sleepers.splice(this.sleepers.indexOf(next), 1);
		if (next.at > this.time) {
			this.time = next.at;
			this.timeline.push({ wall: Date.now(), time: this.time });
		}
		next.resolve();
		for (const watcher of this.watchers.filter((w) => w.at <= this.time)) {
			this.watchers.splice(this.watchers.indexOf(watcher), 1);
			watcher.action();
		}
		this.schedule();
	}
}
