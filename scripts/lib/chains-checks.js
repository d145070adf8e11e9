// @ts-check
'use strict';
// What scripts/e2e-chains.js checks once n8n has stopped, one function per chain. Each looks at
// what the real servers received (S3 bucket, SMTP mailbox, SFTP folder), at the simulator's tasks and
// at n8n's stored executions, and reports through `check(ok, what, detail)`.
const fs = require('node:fs');
const path = require('node:path');
const S = require('./chains-servers');
const W = require('./chains-workflows');
const { nodeOutput, ran } = require('./chains-executions');

const same = (a, b) => Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
const isFailureMail = (m) => /FAILED/.test(m.mail.subject ?? '');

/** The WAV the simulator serves for a COMPLETED task (its first result URL), or undefined. */
async function simulatorWav(task) {
	const url = task?.view?.status === 'COMPLETED' ? task.view.generated?.[0] : undefined;
	if (!url) return undefined;
	const res = await S.getBytes(url);
	if (res.status !== 200) throw new Error(`result of ${task.id}: ${res.status}`);
	return res.body;
}

/**
 * The run's facts, gathered once: executions (without those n8n queued at shutdown and never
 * started), their data, the simulator's tasks. `taskOf(execution)` is the task id the Freepik node
 * output in that execution.
 */
function facts({ executions, dataOf, simTasks }) {
	const taskOf = (e) => nodeOutput(dataOf.get(e.id), W.ISOLATE)[0]?.json?.task_id;
	return {
		byWorkflow: (wf) => executions.filter((e) => e.workflowId === wf),
		taskOf,
		simTask: (id) => simTasks.find((t) => t.id === id),
		dataOf,
		simTasks,
	};
}

/** 1 + 4: Schedule -> Isolate -> IF -> S3, FAILED -> e-mail. Returns a one-line summary. */
async function checkScheduledChain(check, f, { chain, url, minRuns, s3, smtp, notStarted }) {
	const runs = f.byWorkflow(chain.workflow.id);
	const leftOut = notStarted.length
		? `; left out: ${notStarted.map((e) => `#${e.id} queued at shutdown, never started`).join(', ')}`
		: '';
	check(
		runs.length >= minRuns + 1 && runs.every((e) => e.mode === 'trigger'),
		`at least ${minRuns + 1} scheduled executions, all started by the Schedule Trigger`,
		`${runs.length}: ${runs.map((e) => `#${e.id}`).join(', ')}${leftOut}`,
	);
	check(
		runs.every((e) => e.status === 'success'),
		'no scheduled run failed',
		runs.map((e) => `#${e.id} ${e.status}`).join(', '),
	);

	const tasks = f.simTasks.filter((t) => t.body?.audio === url);
	const runTasks = runs.map(f.taskOf);
	check(
		tasks.length === runs.length &&
			new Set(runTasks).size === runs.length &&
			runTasks.every((id) => tasks.some((t) => t.id === id)),
		'one Freepik task per scheduled run, and each run carries its own task id',
		`${runs.length} runs, ${tasks.length} tasks created for ${url}`,
	);
	const statusOf = (e) => f.simTask(f.taskOf(e))?.view?.status;
	const completed = runs.filter((e) => statusOf(e) === 'COMPLETED');
	const failed = runs.filter((e) => statusOf(e) === 'FAILED');
	check(
		completed.length >= minRuns &&
			failed.length >= 1 &&
			completed.length + failed.length === runs.length,
		'every scheduled task ended COMPLETED or FAILED (both seen)',
		`${completed.length} COMPLETED, ${failed.length} FAILED`,
	);

	// S3: exactly the completed runs' objects, each with the simulator's bytes.
	const objects = await s3.list();
	const expectedKeys = completed.map((e) => `voice/${f.taskOf(e)}.wav`).sort();
	check(
		JSON.stringify(objects.map((o) => o.key).sort()) === JSON.stringify(expectedKeys),
		'the bucket holds exactly one object per completed run (voice/<task_id>.wav), none for failed ones',
		objects.map((o) => `${o.key} ${o.size} B`).join(', '),
	);
	const wrong = [];
	for (const e of completed) {
		const id = f.taskOf(e);
		const want = await simulatorWav(f.simTask(id));
		const got = await s3.get(`voice/${id}.wav`).catch((err) => ({ error: err.message }));
		if (!(same(got.body, want) && /^audio\/wav/.test(got.contentType)))
			wrong.push(
				`${id}: ${got.error ?? `${got.body?.length} B ${got.contentType}, simulator ${want?.length} B`}`,
			);
	}
	check(
		completed.length > 0 && wrong.length === 0,
		'each object has the bytes of the isolated WAV the simulator served, as audio/wav',
		wrong.join('; ') || `${completed.length} objects, ${objects[0]?.size} B each`,
	);
	check(
		completed.every(
			(e) => ran(f.dataOf.get(e.id), chain.store) && !ran(f.dataOf.get(e.id), chain.failed),
		),
		'completed runs took the S3 branch only',
	);

	// FAILED: through the IF to one e-mail naming the task; the S3 node not called.
	const failureMails = smtp.messages.filter(isFailureMail);
	const seen = failed.map((e) => {
		const id = f.taskOf(e);
		const data = f.dataOf.get(e.id);
		const mails = failureMails.filter((m) => m.mail.subject.includes(id));
		const item = nodeOutput(data, W.ISOLATE)[0]?.json;
		const stored = ran(data, chain.store);
		const ok =
			item?.status === 'FAILED' &&
			mails.length === 1 &&
			mails[0].mail.text.includes(`Freepik task ${id} ended with status FAILED`) &&
			ran(data, chain.failed) &&
			!stored;
		return {
			ok,
			text: `#${e.id} task ${id}: item ${item?.status}, ${mails.length} e-mail(s), S3 node ${stored ? 'CALLED' : 'not called'}`,
		};
	});
	check(
		failed.length >= 1 && seen.every((s) => s.ok) && failureMails.length === failed.length,
		'a FAILED task goes through the IF to one e-mail naming its task id; the S3 node is not called for it',
		seen.map((s) => s.text).join('; '),
	);

	const binaryIds = completed.map((e) =>
		String(nodeOutput(f.dataOf.get(e.id), W.ISOLATE)[0]?.binary?.data?.id ?? ''),
	);
	check(
		binaryIds.length > 0 && binaryIds.every((id) => id.startsWith('filesystem')),
		'the WAVs were held in filesystem binary data mode',
		binaryIds[0]?.split(':')[0],
	);
	return `${runs.length} scheduled runs, ${completed.length} stored, ${failed.length} failed and reported`;
}

/** The one execution of a webhook chain and its task; checks it ran once, succeeded, on `url`. */
function webhookRun(check, f, chain, url, what) {
	const runs = f.byWorkflow(chain.workflow.id);
	const [run] = runs;
	const taskId = run && f.taskOf(run);
	check(
		runs.length === 1 && run.status === 'success' && f.simTask(taskId)?.body?.audio === url,
		`the ${what} chain ran once and succeeded, isolating the posted URL`,
		`${runs.map((e) => `#${e.id} ${e.status}`).join(', ') || 'no execution'}, task ${taskId}`,
	);
	return taskId;
}

/** 2: Webhook -> Isolate -> Send Email with the WAV attached. */
async function checkEmailChain(check, f, { chain, url, smtp, apiKey }) {
	const taskId = webhookRun(check, f, chain, url, 'e-mail');
	const mail = smtp.messages.find(
		(m) => taskId && !isFailureMail(m) && (m.mail.subject ?? '').includes(taskId),
	);
	check(
		!!mail && mail.envelope.to.includes('podcast-team@example.com') && mail.mail.text.includes(url),
		'the message arrived at the SMTP server (authenticated), to the team, naming the episode',
		mail
			? `"${mail.mail.subject}" from ${mail.envelope.from} to ${mail.envelope.to}`
			: `${smtp.messages.length} message(s), none for ${taskId}`,
	);
	const attachment = mail?.mail.attachments?.[0];
	const wav = await simulatorWav(f.simTask(taskId));
	check(
		mail?.mail.attachments.length === 1 &&
			// Named after the input: episode-7.mp3 -> episode-7-isolated.wav.
			attachment.filename === `${path.basename(url).replace(/\.[^.]*$/, '')}-isolated.wav` &&
			attachment.contentType === 'audio/wav' &&
			attachment.size === wav?.length &&
			same(attachment.content, wav),
		'it carries the isolated WAV as its one attachment: right name, type, size and bytes',
		attachment
			? `${attachment.filename} ${attachment.contentType} ${attachment.size} B (simulator ${wav?.length} B)`
			: 'no attachment',
	);
	check(
		smtp.messages.every((m) => !m.mail.text?.includes(apiKey)),
		'no e-mail contains the Freepik API key',
	);
	return `smtp ${smtp.messages.length} message(s)`;
}

/** 3: Webhook -> Isolate -> FTP node (SFTP) into the SFTP user's folder. */
async function checkSftpChain(check, f, { chain, url, sftp }) {
	const taskId = webhookRun(check, f, chain, url, 'SFTP');
	const files = fs.readdirSync(sftp.uploadDir);
	const file = path.join(sftp.uploadDir, `${taskId}.wav`);
	const stat = fs.existsSync(file) ? fs.statSync(file) : undefined;
	const wav = await simulatorWav(f.simTask(taskId));
	check(
		files.length === 1 && stat?.uid === sftp.uid && same(stat && fs.readFileSync(file), wav),
		`the WAV is in the SFTP user's folder (~/voice/<task_id>.wav), written by ${sftp.user}, with the simulator's bytes`,
		`${files.join(', ') || 'no file'}${stat ? `, ${stat.size} B, uid ${stat.uid}` : ''}`,
	);
	return `sftp ${files.length} file(s)`;
}

module.exports = { facts, checkScheduledChain, checkEmailChain, checkSftpChain, isFailureMail };
