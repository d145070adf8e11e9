/**
 * File URL hosts that are loopback, private or otherwise not on the public internet, in every
 * spelling the URL parser lets through: Freepik must not be asked to fetch them.
 */
import { unreachableUrlReason } from '../../../../nodes/Freepik/helpers/privateHosts';
import { isolateFromUrl, runFreepik, startSimulator } from '../../../helpers/freepik';
import { errorOf } from '../utils';

const reasonFor = (host: string) => unreachableUrlReason(new URL(`https://${host}/a.mp3`));

describe('File URL hosts that are not public, in other spellings', () => {
	it.each<[string, RegExp]>([
		// The five.
		['[64:ff9b::7f00:1]', /this machine \(loopback address \[64:ff9b::7f00:1\]\)/],
		['[2002:7f00:1::]', /this machine/],
		['[::ffff:0:7f00:1]', /this machine/],
		['[fec0::1]', /private network/],
		['100.64.0.1', /shared \(carrier-grade NAT\) address/],
		// NAT64 / 6to4 / IPv4-translated / Teredo around private IPv4 addresses.
		['[64:ff9b::10.0.0.1]', /private network/],
		['[64:ff9b::a9fe:a9fe]', /link-local/],
		['[64:ff9b:1::1.2.3.4]', /private network/],
		['[2002:c0a8:101::1]', /private network/],
		['[::ffff:0:192.168.1.1]', /private network/],
		['[2001:0:4136:e378:8000:63bf:80ff:fffe]', /this machine/],
		// Site-local anywhere in fec0::/10, CGNAT to its end.
		['[feff::1]', /private network/],
		['100.127.255.254', /carrier-grade NAT/],
		// Decimal, hex and octal IPv4 spellings (the URL parser turns them into dotted decimal).
		['2130706433', /this machine \(loopback address 127\.0\.0\.1\)/],
		['0x7f.1', /this machine/],
		['0177.0.0.1', /this machine/],
		['0x64.0x40.0.1', /carrier-grade NAT/],
		['1681915905', /carrier-grade NAT/],
		['012.0.0.1', /private network/],
		// Multicast, broadcast and reserved: never a file host.
		['224.0.0.1', /not a reachable address/],
		['255.255.255.255', /not a reachable address/],
		['[ff02::1]', /not a reachable address/],
	])('%s is refused', (host, reason) => {
		expect(reasonFor(host)).toMatch(reason);
	});

	it.each([
		'100.63.255.255',
		'100.128.0.1',
		'8.8.8.8',
		'[64:ff9b::808:808]',
		'[2002:808:808::1]',
		'[::ffff:0:808:808]',
		'[2606:4700::1111]',
		'[2001:0:4136:e378:8000:63bf:f7f7:f7f7]',
		'[fbff::1]',
	])('%s is public and accepted', (host) => {
		expect(reasonFor(host)).toBeNull();
	});

	it('through n8n: the error names File URL and nothing is sent', async () => {
		const sim = await startSimulator();
		try {
			const result = await runFreepik(
				sim,
				isolateFromUrl({ url: 'https://[64:ff9b::7f00:1]:8443/voice.mp3' }),
			);
			expect(errorOf(result).message).toMatch(
				/^Invalid "File URL" \(audio or video\): points to this machine \(loopback address \[64:ff9b::7f00:1\]\)/,
			);
			expect(sim.requestsTo('create')).toHaveLength(0);
		} finally {
			await sim.close();
		}
	});
});
