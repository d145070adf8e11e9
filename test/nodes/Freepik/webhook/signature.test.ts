import { randomBytes } from 'crypto';

import {
	parseSignatureHeader,
	secretKeys,
	verifyWebhookSignature,
	webhookSecrets,
	type SignedRequest,
} from '../../../../nodes/Freepik/webhook/signature';
import { signPayload } from './signing';

const NOW = 1_750_000_000;
const SECRET = 'freepik-webhook-secret';
const BODY = Buffer.from(
	JSON.stringify({
		task_id: 'task-1',
		status: 'COMPLETED',
		generated: ['https://files.example/a.wav'],
	}),
);

function request(
	overrides: Partial<SignedRequest> & { key?: Buffer | string; timestamp?: string } = {},
): SignedRequest {
	const webhookId = 'webhookId' in overrides ? overrides.webhookId : 'msg_1';
	const timestamp = 'timestamp' in overrides ? overrides.timestamp : String(NOW);
	const rawBody = overrides.rawBody ?? BODY;
	const signature = signPayload(overrides.key ?? SECRET, webhookId ?? '', timestamp ?? '', BODY);
	return {
		webhookId,
		timestamp,
		rawBody,
		signatureHeader: 'signatureHeader' in overrides ? overrides.signatureHeader : `v1,${signature}`,
	};
}

const verify = (
	req: SignedRequest,
	secret: string | string[] = SECRET,
	toleranceSeconds?: number,
) =>
	verifyWebhookSignature(req, {
		secrets: Array.isArray(secret) ? secret : [secret],
		nowSeconds: NOW,
		toleranceSeconds,
	});

describe('verifyWebhookSignature', () => {
	it('accepts a correctly signed request', () => {
		expect(verify(request())).toEqual({ valid: true });
	});

	it('accepts the body as a string as well as a Buffer', () => {
		expect(verify({ ...request(), rawBody: BODY.toString('utf8') })).toEqual({ valid: true });
	});

	it('accepts a rotated header whose second entry is the valid one', () => {
		const good = request().signatureHeader!;
		const forged = `v1,${randomBytes(32).toString('base64')}`;
		expect(verify({ ...request(), signatureHeader: `${forged} ${good}` })).toEqual({ valid: true });
	});

	it('refuses a forged signature', () => {
		const forged = `v1,${randomBytes(32).toString('base64')}`;
		expect(verify(request({ signatureHeader: forged }))).toEqual({
			valid: false,
			reason: 'no-match',
		});
	});

	it('refuses a signature made with another secret', () => {
		expect(verify(request({ key: 'another-secret' }))).toEqual({
			valid: false,
			reason: 'no-match',
		});
	});

	it('refuses a body modified by one byte', () => {
		const tampered = Buffer.from(BODY);
		tampered[tampered.length - 3] ^= 0x01;
		expect(verify(request({ rawBody: tampered }))).toEqual({ valid: false, reason: 'no-match' });
	});

	it('refuses a re-serialised body that differs from the signed bytes', () => {
		const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 2));
		expect(verify(request({ rawBody: pretty }))).toEqual({ valid: false, reason: 'no-match' });
	});

	describe('timestamp', () => {
		it('accepts a timestamp exactly at the 5-minute tolerance', () => {
			const ts = String(NOW - 300);
			const req = request({ timestamp: ts });
			expect(verify(req)).toEqual({ valid: true });
		});

		it('refuses a stale timestamp (replay)', () => {
			expect(verify(request({ timestamp: String(NOW - 301) }))).toEqual({
				valid: false,
				reason: 'stale',
			});
		});

		it('refuses a timestamp too far in the future', () => {
			expect(verify(request({ timestamp: String(NOW + 301) }))).toEqual({
				valid: false,
				reason: 'future',
			});
		});

		it('honours a custom tolerance', () => {
			const req = request({ timestamp: String(NOW - 11) });
			expect(verify(req, SECRET, 10)).toEqual({ valid: false, reason: 'stale' });
			expect(verify(req, SECRET, 20)).toEqual({ valid: true });
		});

		it.each(['abc', '12.5', '-5', '', ' 1750000000', '1e9', '9999999999999'])(
			'refuses the malformed timestamp %p',
			(ts) => {
				const result = verify({ ...request(), timestamp: ts });
				// An empty header counts as missing.
				expect(result).toEqual({
					valid: false,
					reason: ts === '' ? 'missing-headers' : 'bad-timestamp',
				});
			},
		);
	});

	describe('missing headers', () => {
		it.each(['webhookId', 'timestamp', 'signatureHeader'] as const)(
			'refuses without %s',
			(field) => {
				expect(verify({ ...request(), [field]: undefined })).toEqual({
					valid: false,
					reason: 'missing-headers',
				});
			},
		);
	});

	describe('secret encodings', () => {
		it('uses a plain secret as its UTF-8 bytes', () => {
			const secret = 'clé-secrète-ü';
			const req = request({ key: Buffer.from(secret, 'utf8') });
			expect(verify(req, secret)).toEqual({ valid: true });
		});

		it('accepts a whsec_ secret signed with its base64-decoded remainder', () => {
			const keyBytes = randomBytes(24);
			const secret = `whsec_${keyBytes.toString('base64')}`;
			expect(verify(request({ key: keyBytes }), secret)).toEqual({ valid: true });
		});

		it('accepts a whsec_ secret signed with its UTF-8 bytes', () => {
			const secret = `whsec_${randomBytes(24).toString('base64')}`;
			expect(verify(request({ key: secret }), secret)).toEqual({ valid: true });
		});

		it('refuses a whsec_ secret when neither encoding matches', () => {
			const secret = `whsec_${randomBytes(24).toString('base64')}`;
			expect(verify(request({ key: randomBytes(24) }), secret)).toEqual({
				valid: false,
				reason: 'no-match',
			});
		});

		it('ignores surrounding whitespace pasted with the secret', () => {
			expect(verify(request(), `  ${SECRET}\n`)).toEqual({ valid: true });
		});

		it('accepts a plain base64 secret signed with its decoded bytes (the PHP sample)', () => {
			const keyBytes = randomBytes(32);
			const secret = keyBytes.toString('base64');
			expect(verify(request({ key: keyBytes }), secret)).toEqual({ valid: true });
			expect(verify(request({ key: secret }), secret)).toEqual({ valid: true });
		});

		it('decodes URL-safe and unpadded base64 secrets too', () => {
			const keyBytes = Buffer.from([0xfb, 0xff, 0xfe, 0x01, 0x02]);
			const secret = keyBytes.toString('base64url');
			expect(secret).toMatch(/[-_]/);
			expect(verify(request({ key: keyBytes }), secret)).toEqual({ valid: true });
		});

		it('derives one key for a non-base64 secret, two for base64 and whsec_ secrets', () => {
			expect(secretKeys('freepik-webhook-secret!')).toEqual([
				Buffer.from('freepik-webhook-secret!'),
			]);
			expect(secretKeys('c2VjcmV0')).toEqual([Buffer.from('c2VjcmV0'), Buffer.from('secret')]);
			expect(secretKeys('whsec_c2VjcmV0')).toEqual([
				Buffer.from('whsec_c2VjcmV0'),
				Buffer.from('secret'),
			]);
		});

		it('never treats a 4n+1-character text as base64', () => {
			expect(secretKeys('abcde')).toHaveLength(1);
		});
	});

	describe('secret versions and rotation', () => {
		const sig = (key: string) => signPayload(key, 'msg_1', String(NOW), BODY);

		it.each(['v2', 'v10'])('accepts an entry of version %s', (version) => {
			const header = `${version},${sig(SECRET)}`;
			expect(verify({ ...request(), signatureHeader: header })).toEqual({ valid: true });
		});

		it("accepts the docs' two-version header when only the v2 entry matches", () => {
			const header = `v1,${sig('the-retired-secret')} v2,${sig(SECRET)}`;
			expect(verify({ ...request(), signatureHeader: header })).toEqual({ valid: true });
		});

		it('accepts a webhook signed with the previous secret while it is still held', () => {
			const oldOnly = { ...request(), signatureHeader: `v1,${sig('old-secret')}` };
			expect(verify(oldOnly, [SECRET, 'old-secret'])).toEqual({ valid: true });
			expect(verify(oldOnly, [SECRET])).toEqual({ valid: false, reason: 'no-match' });
		});

		it('ignores blank secrets and refuses when none is held', () => {
			expect(verify(request(), ['', '  ', SECRET])).toEqual({ valid: true });
			expect(verify(request(), ['', ' '])).toEqual({ valid: false, reason: 'no-match' });
		});

		it("reads the credential's current and previous secrets, trimmed, blanks dropped", () => {
			expect(webhookSecrets({ webhookSecret: ' a ', previousWebhookSecret: 'b\n' })).toEqual([
				'a',
				'b',
			]);
			expect(webhookSecrets({ webhookSecret: '', previousWebhookSecret: ' ' })).toEqual([]);
			expect(webhookSecrets({ apiKey: 'k' })).toEqual([]);
		});
	});

	describe('malformed signature header entries', () => {
		const good = () => request().signatureHeader!;
		const validSig = () => good().slice(3);

		it.each([
			['no comma', () => validSig()],
			['empty version', () => `,${validSig()}`],
			['version without a number', () => `v,${validSig()}`],
			['version of another scheme', () => `s1,${validSig()}`],
			['upper-case version', () => `V1,${validSig()}`],
			['empty signature', () => 'v1,'],
			['only a version', () => 'v1'],
			['short signature', () => 'v1,abc'],
			['non-base64 garbage', () => 'v1,!!!***'],
			['whitespace only', () => '   '],
		])('ignores an entry with %s (no match, no throw)', (_label, header) => {
			expect(verify({ ...request(), signatureHeader: header() })).toEqual({
				valid: false,
				reason: 'no-match',
			});
		});

		it('still accepts when malformed entries surround a valid one', () => {
			const header = `garbage x2,${validSig()} ,x  ${good()} v1,`;
			expect(verify({ ...request(), signatureHeader: header })).toEqual({ valid: true });
		});
	});
});

describe('parseSignatureHeader', () => {
	it('keeps the signatures of every v<N> entry, in order', () => {
		expect(parseSignatureHeader('v1,abc= v2,def= nocomma x1,zzz= v1,ghi=  v1,')).toEqual([
			'abc=',
			'def=',
			'ghi=',
		]);
	});

	it('keeps commas inside the signature part', () => {
		expect(parseSignatureHeader('v1,a,b')).toEqual(['a,b']);
	});
});
