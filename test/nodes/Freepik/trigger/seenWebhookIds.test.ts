import {
	MAX_IDS_PER_SCOPE,
	MAX_SCOPES,
	clearSeenWebhookIds,
	dedupeScope,
	rememberWebhookId,
	seenWebhookIdStats,
} from '../../../../nodes/Freepik/trigger/seenWebhookIds';

beforeEach(() => clearSeenWebhookIds());

describe('seenWebhookIds', () => {
	it('reports a repeated id as a duplicate, per scope', () => {
		const a = dedupeScope('wf-1', 'node-1');
		const b = dedupeScope('wf-1', 'node-2');
		expect(rememberWebhookId(a, 'msg_1')).toBe(false);
		expect(rememberWebhookId(a, 'msg_1')).toBe(true);
		expect(rememberWebhookId(b, 'msg_1')).toBe(false);
	});

	it(`keeps at most ${MAX_IDS_PER_SCOPE} ids per scope, forgetting the oldest`, () => {
		const scope = dedupeScope('wf', 'node');
		for (let i = 0; i <= MAX_IDS_PER_SCOPE; i++) rememberWebhookId(scope, `msg_${i}`);
		expect(seenWebhookIdStats()).toEqual({ scopes: 1, ids: MAX_IDS_PER_SCOPE });
		expect(rememberWebhookId(scope, `msg_${MAX_IDS_PER_SCOPE}`)).toBe(true); // newest kept
		expect(rememberWebhookId(scope, 'msg_0')).toBe(false); // oldest was forgotten
	});

	it(`keeps at most ${MAX_SCOPES} scopes, dropping the least recently used`, () => {
		rememberWebhookId('scope-0', 'msg');
		for (let i = 1; i < MAX_SCOPES; i++) rememberWebhookId(`scope-${i}`, 'msg');
		rememberWebhookId('scope-0', 'other'); // scope-0 used again: scope-1 is now the oldest
		rememberWebhookId('scope-new', 'msg');
		expect(seenWebhookIdStats().scopes).toBe(MAX_SCOPES);
		expect(rememberWebhookId('scope-0', 'msg')).toBe(true);
		expect(rememberWebhookId('scope-1', 'msg')).toBe(false);
	});
});
