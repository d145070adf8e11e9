/**
 * Why Freepik could not (or must not be asked to) fetch this URL: credentials in it, or a host that
 * is not on the public internet. Null when the URL looks public. Literal addresses only: names are
 * not resolved (that would be a lookup the user did not ask for), except localhost.
 */
export function unreachableUrlReason(url: URL): string | null {
	if (url.username !== '' || url.password !== '')
		return 'must not contain a user name or password (user:password@)';
	const host = url.hostname.toLowerCase().replace(/\.$/, '');
	if (host === 'localhost' || host.endsWith('.localhost'))
		return `points to this machine (${host})`;
	const ipv4 = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
	if (ipv4) return ipv4Reason(ipv4.slice(1).map(Number), host);
	if (host.startsWith('[') && host.endsWith(']')) return ipv6Reason(host.slice(1, -1), host);
	return null;
}

/**
 * Literal IPv4 addresses that are not on the public internet. The URL parser has already turned
 * decimal, hex and octal spellings (2130706433, 0x7f.1, 0177.0.0.1) into dotted decimal.
 */
function ipv4Reason([a, b]: number[], host: string): string | null {
	if (a === 127) return `points to this machine (loopback address ${host})`;
	if (a === 0 || a >= 224) return `is not a reachable address (${host})`;
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) {
		return `points to a private network address (${host})`;
	}
	if (a === 100 && b >= 64 && b <= 127)
		return `points to a shared (carrier-grade NAT) address (${host})`;
	if (a === 169 && b === 254) return `points to a link-local address (${host})`;
	return null;
}

/** The eight 16-bit groups of an IPv6 address as the URL parser writes it (compressed, hex). */
function ipv6Groups(text: string): number[] | null {
	const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
	const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
	const left = parse(head);
	if (tail === undefined) return left.length === 8 ? left : null;
	const right = parse(tail);
	return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const v4Of = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255];

/**
 * The IPv4 address an IPv6 address stands for, where one does: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d),
 * 6to4 (2002:AABB:CCDD::) and Teredo (2001:0::, the client's address inverted in the last groups).
 */
function embeddedIpv4(g: number[]): number[] | null {
	const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
	if (zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) return v4Of(g[6], g[7]);
	if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return v4Of(g[6], g[7]);
	if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
		return v4Of(g[6], g[7]);
	if (g[0] === 0x2002) return v4Of(g[1], g[2]);
	if (g[0] === 0x2001 && g[1] === 0) return v4Of(g[6] ^ 0xffff, g[7] ^ 0xffff);
	return null;
}

function ipv6Reason(text: string, host: string): string | null {
	const g = ipv6Groups(text);
	if (!g || g.some((n) => !Number.isFinite(n))) return `is not a valid address (${host})`;
	const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
	if (zeroUpTo(7) && g[7] === 1) return `points to this machine (loopback address ${host})`;
	if (zeroUpTo(8) || g[0] >= 0xff00) return `is not a reachable address (${host})`;
	const v4 = embeddedIpv4(g);
	if (v4) return ipv4Reason(v4, host);
	// NAT64 for local use only (64:ff9b:1::/48): never a public address.
	if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1)
		return `points to a private network address (${host})`;
	if ((g[0] & 0xfe00) === 0xfc00 || (g[0] & 0xffc0) === 0xfec0)
		return `points to a private network address (${host})`;
	if ((g[0] & 0xffc0) === 0xfe80) return `points to a link-local address (${host})`;
	return null;
}
