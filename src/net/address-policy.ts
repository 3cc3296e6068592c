// Owns which network addresses Verity's outgoing requests may reach (pure: no sockets, no DNS).
// Production refuses every special-purpose range of the IANA registries (loopback, private, link-local,
// shared/CGNAT, multicast, documentation, benchmarking, reserved, unique-local, site-local, …). IPv6 forms
// that carry an IPv4 destination are judged by that IPv4 address: IPv4-mapped ::ffff:0:0/96 (how a dual-stack
// socket names an IPv4 peer) and the well-known NAT64 prefix 64:ff9b::/96 (how DNS64 networks reach IPv4). The
// other embedding forms are refused outright: IPv4-compatible ::/96 (deprecated), local-use NAT64
// 64:ff9b:1::/48, SIIT ::ffff:0:0:0/96, 6to4 2002::/16 and Teredo 2001::/32 (tunnels whose real destination is
// not the plain IPv4 host). Outside the ranges above, IPv6 must be global unicast (2000::/3).
// The operator's allow-list (VERITY_EGRESS_ALLOW) opens CIDRs and host names; development also allows loopback.
import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/** Why an address is refused: the name of its special-purpose range. */
export type RefusalReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared (CGNAT)'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'unique-local'
  | 'site-local'
  | 'IPv4 embedded in IPv6'
  | 'not an IP address';

const cidr = (text: string): Range => ipaddr.parseCIDR(text);

/** IPv4 special-purpose ranges (RFC 6890 and the IANA registry), by refusal reason. */
const IPV4_SPECIAL: Record<string, Range[]> = {
  unspecified: [cidr('0.0.0.0/8')],
  loopback: [cidr('127.0.0.0/8')],
  private: [cidr('10.0.0.0/8'), cidr('172.16.0.0/12'), cidr('192.168.0.0/16')],
  'link-local': [cidr('169.254.0.0/16')],
  'shared (CGNAT)': [cidr('100.64.0.0/10')],
  multicast: [cidr('224.0.0.0/4')],
  // 240/4 includes the limited broadcast 255.255.255.255; 192.0.0/24 is IETF protocol assignments;
  // 192.88.99/24 the retired 6to4 relay anycast.
  reserved: [cidr('240.0.0.0/4'), cidr('192.0.0.0/24'), cidr('192.88.99.0/24')],
  documentation: [cidr('192.0.2.0/24'), cidr('198.51.100.0/24'), cidr('203.0.113.0/24')],
  benchmarking: [cidr('198.18.0.0/15')],
};

/** IPv6 special-purpose ranges, checked after the IPv4-carrying forms are unwrapped. */
const IPV6_SPECIAL: Record<string, Range[]> = {
  unspecified: [cidr('::/128')],
  loopback: [cidr('::1/128')],
  'IPv4 embedded in IPv6': [
    cidr('::/96'), // IPv4-compatible (deprecated)
    cidr('::ffff:0:0:0/96'), // SIIT IPv4-translated
    cidr('64:ff9b:1::/48'), // local-use NAT64
    cidr('2002::/16'), // 6to4
    cidr('2001::/32'), // Teredo
  ],
  'unique-local': [cidr('fc00::/7')],
  'link-local': [cidr('fe80::/10')],
  'site-local': [cidr('fec0::/10')],
  multicast: [cidr('ff00::/8')],
  documentation: [cidr('2001:db8::/32'), cidr('3fff::/20')],
  benchmarking: [cidr('2001:2::/48')],
  // IETF protocol assignments (ORCHID, AMT, …) and the discard-only prefix.
  reserved: [cidr('2001::/23'), cidr('100::/64')],
};

const GLOBAL_UNICAST = cidr('2000::/3');
const IPV4_MAPPED = cidr('::ffff:0:0/96');
const NAT64 = cidr('64:ff9b::/96');

/** The address a connection really reaches: the IPv4 address inside an IPv4-mapped or NAT64 IPv6 address. */
function effective(address: Address): Address {
  if (address.kind() === 'ipv6' && (address.match(IPV4_MAPPED) || address.match(NAT64))) {
    const bytes = address.toByteArray();
    return ipaddr.fromByteArray(bytes.slice(12));
  }
  return address;
}

function inAny(address: Address, ranges: Range[]): boolean {
  return ranges.some((range) => range[0].kind() === address.kind() && address.match(range));
}

/** The special-purpose range an address falls in; undefined for a public address. */
export function classify(text: string): RefusalReason | undefined {
  const address = parseAddress(text);
  if (!address) return 'not an IP address';
  const target = effective(address);
  const table = target.kind() === 'ipv4' ? IPV4_SPECIAL : IPV6_SPECIAL;
  for (const [reason, ranges] of Object.entries(table)) if (inAny(target, ranges)) return reason as RefusalReason;
  if (target.kind() === 'ipv6' && !target.match(GLOBAL_UNICAST)) return 'reserved';
  return undefined;
}

/** A host without the brackets of an IPv6 literal (`[::1]` → `::1`); anything else as it is. */
export const unbracket = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/** Parses an IPv4 or IPv6 address (brackets and an IPv6 zone id allowed); undefined when it is not one.
 *  Only the dotted-quad IPv4 form is accepted: other spellings are URL host names to canonicalise first.
 *  IPv6 is first put in the URL parser's canonical form (ipaddr.js reads `::a.b.c.d` as IPv4-mapped, which
 *  it is not), so what is judged is exactly what a socket connects to. */
export function parseAddress(text: string): Address | undefined {
  const bare = unbracket(text);
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  const withoutZone = bare.split('%')[0]!;
  if (!isIPv6(withoutZone)) return undefined;
  return ipaddr.IPv6.parse(new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1));
}

/** A range of IPv4-mapped or NAT64 addresses as the IPv4 range it stands for (addresses are judged that way). */
function normaliseRange(address: Address, prefix: number): Range {
  const inner = effective(address);
  return inner !== address && prefix >= 96 ? [inner, prefix - 96] : [address, prefix];
}

/** One allow-list entry: a CIDR range, an exact host name, or a `*.` suffix matching any subdomain. */
export type AllowEntry = { kind: 'cidr'; range: Range } | { kind: 'host'; name: string } | { kind: 'suffix'; suffix: string };

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const normaliseName = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

/** Parses VERITY_EGRESS_ALLOW: comma-separated CIDRs (a bare address means the single address) and host names.
 *  Returns the entries and one problem line per entry that is neither. */
export function parseAllowList(raw: string | undefined): { entries: AllowEntry[]; problems: string[] } {
  const entries: AllowEntry[] = [];
  const problems: string[] = [];
  for (const item of (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (item.includes('/')) {
      const [text, bits, ...rest] = item.split('/');
      const address = parseAddress(text!);
      const prefix = /^\d{1,3}$/.test(bits ?? '') ? Number(bits) : -1;
      if (address && rest.length === 0 && prefix >= 0 && prefix <= (address.kind() === 'ipv4' ? 32 : 128))
        entries.push({ kind: 'cidr', range: normaliseRange(address, prefix) });
      else problems.push(`"${item}" is not a CIDR range`);
      continue;
    }
    const address = parseAddress(item);
    if (address) {
      entries.push({ kind: 'cidr', range: normaliseRange(address, address.kind() === 'ipv4' ? 32 : 128) });
      continue;
    }
    const name = normaliseName(item);
    if (name.startsWith('*.') && HOST_NAME.test(name.slice(2))) entries.push({ kind: 'suffix', suffix: name.slice(1) });
    else if (HOST_NAME.test(name) && !/^[0-9.]+$/.test(name) && !name.includes('*')) entries.push({ kind: 'host', name });
    else problems.push(`"${item}" is neither a CIDR range nor a host name`);
  }
  return { entries, problems };
}

export type Verdict = { allowed: true } | { allowed: false; reason: RefusalReason };

export interface AddressPolicy {
  /** Whether a connection to `address` may be made for a request to `hostname` (the URL's host, when it is a
   *  name: a host-name entry of the allow-list opens every address that name resolves to). */
  check(address: string, hostname?: string): Verdict;
  /** Whether the allow-list names this host name (no DNS needed to trust it). */
  trustsHost(hostname: string): boolean;
}

export interface AddressPolicyOptions {
  mode: 'development' | 'production';
  /** The raw VERITY_EGRESS_ALLOW value. Throws Error when an entry is not valid (loadConfig refuses that first). */
  allow?: string;
}

export function createAddressPolicy(options: AddressPolicyOptions): AddressPolicy {
  const { entries, problems } = parseAllowList(options.allow);
  if (problems.length) throw new Error(`VERITY_EGRESS_ALLOW: ${problems.join('; ')}`);
  const ranges = entries.flatMap((e) => (e.kind === 'cidr' ? [e.range] : []));
  const names = new Set(entries.flatMap((e) => (e.kind === 'host' ? [e.name] : [])));
  const suffixes = entries.flatMap((e) => (e.kind === 'suffix' ? [e.suffix] : []));

  const trustsHost = (hostname: string) => {
    if (parseAddress(hostname)) return false; // an IP literal is opened by a CIDR entry only
    const name = normaliseName(hostname);
    return names.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
  };

  return {
    trustsHost,
    check(text, hostname) {
      const address = parseAddress(text);
      if (!address) return { allowed: false, reason: 'not an IP address' };
      if (hostname && trustsHost(hostname)) return { allowed: true };
      const target = effective(address);
      if (inAny(target, ranges) || inAny(address, ranges)) return { allowed: true };
      const reason = classify(text);
      if (!reason) return { allowed: true };
      if (reason === 'loopback' && options.mode === 'development') return { allowed: true };
      return { allowed: false, reason };
    },
  };
}
