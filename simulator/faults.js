// @ts-check
'use strict';

/**
 * Fault injection. A fault is armed for one route and fires on the next `times` matching requests.
 *
 * "pre" faults act before the simulator does anything (no task is created, nothing is counted as
 * done); "post" faults act after the normal work: for create, after the task exists.
 */

/**
 * What a test arms. `times`: number of requests the fault applies to, then it disarms (default 1);
 * `taskId`: only requests about this task (get, download).
 * @typedef {{ route: 'create' | 'get' | 'list' | 'download', times?: number | 'Infinity', taskId?: string } & (
 *   | { kind: 'status', status: number, headers?: Record<string, string>, body?: string | object }
 *   | { kind: 'html', status?: number, headers?: Record<string, string> }
 *   | { kind: 'reset' }
 *   | { kind: 'delay', ms: number }
 *   | { kind: 'redirect', location?: string, status?: number, headers?: Record<string, string> }
 *   | { kind: 'malformed' }
 *   | { kind: 'noTaskId' }
 *   | { kind: 'unknownStatus', taskStatus?: string }
 *   | { kind: 'resetAfterCreate' }
 *   | { kind: 'delayAfterCreate', ms: number }
 *   | { kind: 'expire' }
 *   | { kind: 'notFound' }
 *   | { kind: 'truncate', fraction?: number }
 * )} FaultSpec
 */

/** An armed fault: its spec with defaults filled, and its counters. @typedef {Record<string, any>} ArmedFault */

const API_ROUTES = ['create', 'get', 'list'];
const ALL_ROUTES = [...API_ROUTES, 'download'];

/** @type {Record<string, { phase: 'pre' | 'post', routes: string[] }>} */
const KINDS = {
	status: { phase: 'pre', routes: ALL_ROUTES },
	html: { phase: 'pre', routes: ALL_ROUTES },
	reset: { phase: 'pre', routes: ALL_ROUTES },
	delay: { phase: 'pre', routes: ALL_ROUTES },
	redirect: { phase: 'pre', routes: ALL_ROUTES },
	malformed: { phase: 'post', routes: API_ROUTES },
	noTaskId: { phase: 'post', routes: API_ROUTES },
	unknownStatus: { phase: 'post', routes: API_ROUTES },
	resetAfterCreate: { phase: 'post', routes: ['create'] },
	delayAfterCreate: { phase: 'post', routes: ['create'] },
	expire: { phase: 'post', routes: ['download'] },
	notFound: { phase: 'post', routes: ['download'] },
	truncate: { phase: 'post', routes: ['download'] },
};

/**
 * Checks a fault description and fills defaults. Throws TypeError on a bad one.
 * @param {Record<string, any>} spec
 * @param {{ redirectLocation: string }} defaults
 */
function normalizeFault(spec, defaults) {
	if (!spec || typeof spec !== 'object') throw new TypeError('fault must be an object');
	const { route, kind } = spec;
	if (!ALL_ROUTES.includes(route))
		throw new TypeError(`fault.route must be one of ${ALL_ROUTES.join(', ')}`);
	const info = KINDS[kind];
	if (!info) throw new TypeError(`fault.kind must be one of ${Object.keys(KINDS).join(', ')}`);
	if (!info.routes.includes(route))
		throw new TypeError(`fault kind "${kind}" does not apply to route "${route}"`);
	const times =
		spec.times === undefined
			? 1
			: spec.times === 'Infinity' || spec.times === null
				? Infinity
				: spec.times;
	if (!(times === Infinity || (Number.isInteger(times) && times > 0)))
		throw new TypeError('fault.times must be a positive integer or Infinity');
	/** @type {ArmedFault} */
	const fault = { ...spec, times, remaining: times, applied: 0 };
	if (
		kind === 'status' &&
		!(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)
	) {
		throw new TypeError('fault.status must be an HTTP status code');
	}
	if (
		(kind === 'delay' || kind === 'delayAfterCreate') &&
		!(typeof spec.ms === 'number' && spec.ms >= 0)
	) {
		throw new TypeError(`fault.ms is required for "${kind}"`);
	}
	if (kind === 'redirect') fault.location = spec.location ?? defaults.redirectLocation;
	if (kind === 'redirect') fault.status = spec.status ?? 302;
	if (kind === 'html') fault.status = spec.status ?? 502;
	if (kind === 'unknownStatus') fault.taskStatus = spec.taskStatus ?? 'QUEUED';
	if (kind === 'truncate') fault.fraction = spec.fraction ?? 0.5;
	return fault;
}

function createFaultRegistry() {
	/** @type {ArmedFault[]} */
	let faults = [];
	let nextId = 1;

	return {
		/**
		 * @param {FaultSpec} spec
		 * @param {{ redirectLocation: string }} defaults
		 * @returns {number} fault id
		 */
		add(spec, defaults) {
			const fault = { id: nextId++, ...normalizeFault(spec, defaults) };
			faults.push(fault);
			return fault.id;
		},
		/**
		 * Takes (and counts down) the first armed fault for this route and phase.
		 * @param {string} route
		 * @param {'pre' | 'post'} phase
		 * @param {string} [taskId]
		 */
		take(route, phase, taskId) {
			const fault = faults.find(
				(f) =>
					f.route === route &&
					KINDS[f.kind].phase === phase &&
					(f.taskId === undefined || f.taskId === taskId),
			);
			if (!fault) return null;
			fault.remaining -= 1;
			fault.applied += 1;
			if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
			return fault;
		},
		/** @param {number} [id] remove one fault, or all */
		clear(id) {
			faults = id === undefined ? [] : faults.filter((f) => f.id !== id);
		},
		list() {
			return faults.map((f) => ({
				...f,
				times: f.times === Infinity ? 'Infinity' : f.times,
				remaining: f.remaining === Infinity ? 'Infinity' : f.remaining,
			}));
		},
	};
}

module.exports = { createFaultRegistry };
