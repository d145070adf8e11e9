import { runRow, startLane, closeLane } from './rows';
import { violations } from './invariants';

test('one', async () => {
	const lane = await startLane();
	const row = JSON.parse(process.env.ROW!);
	const obs = await runRow(lane, row, 'one:');
	const o = obs.outcome;
	console.log(
		JSON.stringify(
			{
				ms: obs.ms,
				status: o.status,
				hung: obs.hung,
				waits: obs.webhookWaits,
				dl: obs.deadlineResumes,
				spans: obs.pollSpans,
				finalError: obs.finalError && { m: obs.finalError.message, d: obs.finalError.description },
				nodes: Object.fromEntries(
					Object.entries(o.nodes).map(([k, v]) => [
						k,
						{
							items: v.items.map((i) => i.json),
							errorItems: v.errorItems.map((i) => i.json),
							error: v.error?.message,
						},
					]),
				),
				tasks: obs.tasks.map((t) => `${t.pass}.${t.item} ${t.status} ${t.id.slice(0, 8)}`),
				late: obs.lateRequests,
				v: violations(row, obs),
			},
			null,
			1,
		).slice(0, 6000),
	);
	await closeLane(lane);
}, 120000);
