/**
 * Collects everything the Freepik node produced in one test file (output items, errors, captured
 * log lines) and every request the simulator (or a test's own loopback server) saw on a host other
 * than the API, then scans it all for the API key.
 *
 * It needs no change to test/helpers: it wraps `runNode` of the n8n harness module and
 * `createSimulator` of the simulator module (both are looked up on their module objects at call
 * time by test/helpers/freepik.ts), so every `runFreepik` / `startSimulator` of the test file goes
 * through it once `installLeakCollector()` ran. Jest gives every test file its own module registry,
 * so each file installs it for itself (leak-setup.ts does it for every file of a jest run).
 */
import type { RecordedRequest, Simulator } from '../../simulator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness = require('../../harness/n8n-harness') as {
	runNode: (opts: Record<string, any>) => Promise<any>;
	capturedLogs: Array<{ level: string; message: string; meta?: unknown }>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulatorModule = require('../../simulator') as {
	createSimulator: (options?: object) => Promise<Simulator>;
};

export interface Leak {
	where: string;
	excerpt: string;
}

export interface LeakReport {
	keys: number;
	runsScanned: number;
	textsScanned: number;
	logLinesScanned: number;
	foreignRequestsChecked: number;
	leaks: Leak[];
}

interface PendingText {
	where: string;
	text: string;
}

const INSTALLED = Symbol.for('n8n-nodes-freepik.reliability.leak-collector');

export class LeakCollector {
	readonly keys = new Set<string>();
	private readonly texts: PendingText[] = [];
	private readonly sims = new Set<Simulator>();
	runsScanned = 0;
	foreignRequestsChecked = 0;

	addKey(key: unknown) {
		if (typeof key === 'string' && key.length >= 8) this.keys.add(key);
	}

	addText(where: string, text: unknown) {
		if (text === undefined || text === null) return;
		this.texts.push({ where, text: typeof text === 'string' ? text : safeStringify(text) });
	}

	/** A node run as the harness returns it: every output item (with binary metadata), the error, its causes. */
	addRun(label: string, result: { items?: unknown[]; error?: unknown } | undefined) {
		this.runsScanned++;
		if (!result) return;
		this.addText(`${label} output items`, result.items ?? []);
		if (result.error) this.addError(`${label} error`, result.error);
	}

	addError(where: string, error: unknown) {
		let current = error as Record<string, unknown> | undefined;
		for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
			this.addText(`${where} (cause ${depth}) message`, current.message);
			this.addText(`${where} (cause ${depth}) description`, current.description);
			this.addText(`${where} (cause ${depth}) stack`, current.stack);
			this.addText(`${where} (cause ${depth}) messages`, current.messages);
			this.addText(`${where} (cause ${depth}) errorResponse`, current.errorResponse);
			this.addText(`${where} (cause ${depth}) context`, current.context);
			this.addText(`${where} (cause ${depth}) json`, current);
			current = current.cause as Record<string, unknown> | undefined;
		}
	}

	/** A request that reached a host other than the API base URL: its headers, path and query must not carry the key. */
	addForeignRequest(
		where: string,
		request: { headers?: unknown; path?: string; url?: string; query?: unknown },
	) {
		this.foreignRequestsChecked++;
		this.addText(`${where} headers`, request.headers ?? {});
		this.addText(
			`${where} url`,
			`${request.path ?? ''} ${request.url ?? ''} ${safeStringify(request.query ?? {})}`,
		);
	}

	/**
	 * Requests the file host received. Those a test made itself with fetch (user agent "node" or
	 * "undici"; the node's requests say "n8n") are skipped: the simulator's own suites send the key
	 * after redirects on purpose.
	 */
	addSimulatorRequests(label: string, requests: readonly RecordedRequest[]) {
		for (const request of requests) {
			if (request.server === 'api' || this.checkedRequests.has(request)) continue;
			if (/^(node|undici)\b/.test(String(request.headers['user-agent'] ?? ''))) continue;
			this.checkedRequests.add(request);
			this.addForeignRequest(`${label}: ${request.method} file host ${request.path}`, request);
		}
	}

	watchSimulator(sim: Simulator) {
		this.sims.add(sim);
		const reset = sim.reset.bind(sim);
		const close = sim.close.bind(sim);
		const target = sim as { reset: Simulator['reset']; close: Simulator['close'] };
		target.reset = (how) => {
			this.addSimulatorRequests('simulator', sim.requests);
			reset(how);
		};
		target.close = async () => {
			this.addSimulatorRequests('simulator', sim.requests);
			this.sims.delete(sim);
			await close();
		};
	}

	/** Scans everything collected so far (and every log line captured by the harness) for every key seen. */
	report(): LeakReport {
		for (const sim of this.sims) this.addSimulatorRequests('simulator', sim.requests);
		const needles = [...this.keys].flatMap(needlesFor);
		const scan = (where: string, text: string) => {
			this.textsScanned++;
			for (const needle of needles) {
				const at = text.indexOf(needle);
				if (at < 0) continue;
				this.leaks.push({
					where,
					excerpt: text.slice(Math.max(0, at - 60), at + needle.length + 60),
				});
				return;
			}
		};
		for (const { where, text } of this.texts.splice(0, this.texts.length)) scan(where, text);
		const logs = harness.capturedLogs;
		for (; this.logLinesScanned < logs.length; this.logLinesScanned++) {
			const line = logs[this.logLinesScanned];
			scan(
				`log line ${this.logLinesScanned} (${line.level})`,
				`${line.message} ${safeStringify(line.meta ?? '')}`,
			);
		}
		return {
			keys: this.keys.size,
			runsScanned: this.runsScanned,
			textsScanned: this.textsScanned,
			logLinesScanned: this.logLinesScanned,
			foreignRequestsChecked: this.foreignRequestsChecked,
			leaks: [...this.leaks],
		};
	}

	private readonly checkedRequests = new WeakSet<object>();
	private readonly leaks: Leak[] = [];
	private textsScanned = 0;
	private logLinesScanned = 0;
}

/** The key itself, its base64 form, and every 12-character piece of it (a cut-off key is a leak too). */
function needlesFor(key: string): string[] {
	const needles = new Set([key, Buffer.from(key).toString('base64'), encodeURIComponent(key)]);
	const window = 12;
	for (let i = 0; i + window <= key.length; i++) needles.add(key.slice(i, i + window));
	return [...needles];
}

/** JSON with circular references and Buffers made safe; never throws. */
/** The part of a leak report that goes into the reliability figures. */
export function leakFigures(report: LeakReport) {
	return {
		keyLeaks: report.leaks.length,
		runsScanned: report.runsScanned,
		textsScanned: report.textsScanned,
		foreignRequestsChecked: report.foreignRequestsChecked,
	};
}

export function safeStringify(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, v: unknown) => {
				if (typeof v === 'bigint') return v.toString();
				if (v && typeof v === 'object') {
					if (seen.has(v)) return '[circular]';
					seen.add(v);
					if (v instanceof Error) {
						return {
							...v,
							name: v.name,
							message: v.message,
							stack: v.stack,
							cause: (v as { cause?: unknown }).cause,
						};
					}
				}
				return v;
			}) ?? String(value)
		);
	} catch {
		return String(value);
	}
}

/** Installs the collector in this test file's module registry (idempotent) and returns it. */
export function installLeakCollector(): LeakCollector {
	const holder = harness as unknown as Record<symbol, LeakCollector | undefined>;
	const existing = holder[INSTALLED];
	if (existing) return existing;
	const collector = new LeakCollector();
	holder[INSTALLED] = collector;

	const runNode = harness.runNode;
	harness.runNode = async (opts: Record<string, any>) => {
		for (const credential of Object.values(opts.credentials ?? {})) {
			collector.addKey((credential as { apiKey?: unknown }).apiKey);
		}
		try {
			const result = await runNode(opts);
			collector.addRun(
				`run ${collector.runsScanned + 1} (${opts.parameters?.operation ?? '?'})`,
				result,
			);
			return result;
		} catch (error) {
			collector.addError(`run ${collector.runsScanned + 1} harness error`, error);
			throw error;
		}
	};

	const createSimulator = simulatorModule.createSimulator;
	simulatorModule.createSimulator = async (options?: object) => {
		const sim = await createSimulator(options);
		collector.addKey(sim.apiKey);
		collector.watchSimulator(sim);
		return sim;
	};
	return collector;
}
