// @ts-check
'use strict';
// The contract points `npm run contract:live` checks, each against what docs.freepik.com
// publishes (the same points as test/contract/fixtures). One short task is created; nothing else
// costs anything. Every check returns rows { point, docs, seen, result: 'matched' | 'NOT matched'
// | 'not checked' }.

const { toneWav, isWav } = require('../../simulator/wav');

const PATH = '/v1/ai/audio-isolation';
const STATUSES = ['CREATED', 'IN_PROGRESS', 'COMPLETED', 'FAILED'];
const FINAL = ['COMPLETED', 'FAILED'];
const RATE_HEADER = /rate|limit|retry|quota/i;

const row = (point, docs, seen, ok) => ({
	point,
	docs,
	seen,
	result: ok === undefined ? 'not checked' : ok ? 'matched' : 'NOT matched',
});
const keysOf = (value) =>
	value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).sort() : [];
const sameKeys = (value, keys) => keysOf(value).join() === [...keys].sort().join();

/**
 * @param {{ call: (path: string, init?: object) => Promise<{ status: number, json: any,
 *   headers: Headers }>, download: (url: string) => Promise<{ status: number, bytes: Buffer }>,
 *   sleep: (ms: number) => Promise<void>, pollMs: number, maxWaitMs: number,
 *   log: (line: string) => void }} io
 */
async function runChecks(io) {
	const rows = [];
	const rateHeaders = new Set();
	const call = async (path, init) => {
		const answer = await io.call(path, init);
		answer.headers.forEach((_v, name) => RATE_HEADER.test(name) && rateHeaders.add(name));
		return answer;
	};
	rows.push(...(await checkKeys(call)));
	rows.push(await checkValidation(call));
	const task = await createTask(call, io, rows);
	if (task) {
		const final = await waitForTask(call, io, task, rows);
		rows.push(await checkDownload(io, final));
	}
	rows.push(await checkList(call, task));
	const seen = rateHeaders.size ? [...rateHeaders].sort().join(', ') : 'none';
	rows.push(row('rate-limit headers', 'none documented (50/s burst, 10/s average, per IP)', seen));
	rows.push(row('webhook signature', 'v<N>,base64 HMAC-SHA256', 'needs a public receiver'));
	return rows;
}

async function checkKeys(call) {
	const wrong = await call(PATH, { key: 'contract-check-not-a-key' });
	const missing = await call(PATH, { key: null });
	const says = (a) => `${a.status} ${JSON.stringify(a.json)}`;
	return [
		row(
			'wrong key',
			'401 {"message":"Invalid API key"}',
			says(wrong),
			wrong.status === 401 && typeof wrong.json?.message === 'string',
		),
		row(
			'missing key',
			'401 {"message":"Missing API key"}',
			says(missing),
			missing.status === 401 && typeof missing.json?.message === 'string',
		),
	];
}

/** A body without description: refused before any task exists, so it costs nothing. */
async function checkValidation(call) {
	const answer = await call(PATH, { method: 'POST', body: {} });
	const details = answer.json?.problem ?? answer.json;
	const names = (details?.invalid_params ?? []).map((p) => p?.name).join(', ');
	const form = answer.json?.problem ? 'problem' : 'flat';
	return row(
		'400 error body',
		'{message, invalid_params} or {problem: {message, invalid_params}}',
		`${answer.status}, ${form} form, message ${JSON.stringify(details?.message)}` +
			(names ? `, invalid_params: ${names}` : ''),
		answer.status === 400 && typeof details?.message === 'string',
	);
}

async function createTask(call, io, rows) {
	const body = {
		description: 'A steady sine tone',
		audio: toneWav({ seconds: 1 }).toString('base64'),
	};
	const answer = await call(PATH, { method: 'POST', body });
	const data = answer.json?.data;
	const ok = answer.status === 200 && sameKeys(data, ['generated', 'status', 'task_id']);
	rows.push(
		row(
			'create answer',
			'200 {"data":{"task_id","status":"CREATED","generated":[]}}',
			`${answer.status} data keys ${keysOf(data).join(', ') || '(none)'}, status ${data?.status}`,
			ok && data.status === 'CREATED',
		),
	);
	if (answer.status === 200 && data?.task_id) io.log(`created task ${data.task_id}`);
	return answer.status === 200 && typeof data?.task_id === 'string' ? data : undefined;
}

async function waitForTask(call, io, created, rows) {
	const seen = new Set([created.status]);
	let task = created;
	let envelopeOk = true;
	for (let waited = 0; !FINAL.includes(task.status) && waited <= io.maxWaitMs; ) {
		await io.sleep(io.pollMs);
		waited += io.pollMs;
		const answer = await call(`${PATH}/${encodeURIComponent(created.task_id)}`);
		if (answer.status !== 200) continue;
		envelopeOk &&= sameKeys(answer.json?.data, ['generated', 'status', 'task_id']);
		task = answer.json?.data ?? task;
		seen.add(task.status);
	}
	const statuses = [...seen].join(' → ');
	rows.push(
		row(
			'task envelope',
			'{"data":{"task_id","status","generated"}}',
			envelopeOk ? 'as documented' : 'other keys',
			envelopeOk,
		),
		row(
			'status values',
			STATUSES.join(', '),
			statuses,
			[...seen].every((s) => STATUSES.includes(s)),
		),
	);
	return task;
}

async function checkDownload(io, task) {
	const url = Array.isArray(task.generated) ? task.generated[0] : undefined;
	if (task.status !== 'COMPLETED' || typeof url !== 'string')
		return row('download generated', 'a WAV, no API key', `task ${task.status}, no file`);
	const file = await io.download(url);
	const seen = `${file.status}, ${file.bytes.length} bytes, ${isWav(file.bytes) ? 'WAV' : 'not WAV'}`;
	return row(
		'download generated',
		'a WAV, no API key',
		seen,
		file.status === 200 && isWav(file.bytes),
	);
}

async function checkList(call, task) {
	const answer = await call(PATH);
	const items = Array.isArray(answer.json?.data) ? answer.json.data : undefined;
	const keys = [...new Set((items ?? []).flatMap((item) => keysOf(item)))].sort();
	const listed = !task || (items ?? []).some((item) => item?.task_id === task.task_id);
	const ok =
		answer.status === 200 &&
		items !== undefined &&
		keys.every((k) => ['status', 'task_id'].includes(k));
	return row(
		'list items',
		'{"data":[{"task_id","status"}]} (no generated)',
		`${answer.status}, ${items?.length ?? 'no'} items, keys ${keys.join(', ') || '(none)'}` +
			(listed ? '' : ', new task missing'),
		ok && listed,
	);
}

module.exports = { runChecks, PATH };
