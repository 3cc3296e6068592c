// The address policy as a pure rule: every special-purpose range refused in production, IPv4 inside
// IPv6 judged (mapped, NAT64) or refused (compatible, 6to4, Teredo, local NAT64), the allow-list opening
// exactly what it names, and development allowing loopback and nothing else.
import { describe, expect, it } from 'vitest';
import { classify, createAddressPolicy, parseAllowList } from '../../src/net/address-policy.ts';

const production = createAddressPolicy({ mode: 'production' });

describe('classify', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.254', 'shared (CGNAT)'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fdff:ffff::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['100::1', 'reserved'],
    ['2001:10::1', 'reserved'],
    ['4000::1', 'reserved'],
    // IPv4 inside IPv6: mapped and NAT64 are judged by the IPv4 address …
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    // … the other forms are refused whatever they carry.
    ['::127.0.0.1', 'IPv4 embedded in IPv6'],
    ['::8.8.8.8', 'IPv4 embedded in IPv6'],
    ['::ffff:0:8.8.8.8', 'IPv4 embedded in IPv6'],
    ['64:ff9b:1::808:808', 'IPv4 embedded in IPv6'],
    ['2002:7f00:1::1', 'IPv4 embedded in IPv6'],
    ['2002:808:808::1', 'IPv4 embedded in IPv6'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'IPv4 embedded in IPv6'],
    // Not canonical addresses: these are host names for the URL parser to canonicalise first.
    ['127.1', 'not an IP address'],
    ['2130706433', 'not an IP address'],
    ['0x7f000001', 'not an IP address'],
    ['0177.0.0.1', 'not an IP address'],
    ['localhost', 'not an IP address'],
  ])('%s → %s', (address, reason) => {
    expect(classify(address)).toBe(reason);
    expect(production.check(address)).toEqual({ allowed: false, reason });
  });

  it.each(['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '2606:4700::1111', '2a00:1450::1', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (address) => {
      expect(classify(address)).toBeUndefined();
      expect(production.check(address)).toEqual({ allowed: true });
    },
  );
});

describe('the allow-list', () => {
  it('parses CIDRs, single addresses, host names and *. suffixes; names every bad entry', () => {
    const { entries, problems } = parseAllowList(' 10.1.0.0/16, fd00::/8 ,192.0.2.7, ::1, Idp.Corp.Example., *.gw.example, bad/99, 127.1/32, *, a*b, 1.2.3 ');
    expect(entries.map((e) => e.kind)).toEqual(['cidr', 'cidr', 'cidr', 'cidr', 'host', 'suffix']);
    expect(entries[4]).toEqual({ kind: 'host', name: 'idp.corp.example' });
    expect(entries[5]).toEqual({ kind: 'suffix', suffix: '.gw.example' });
    expect(problems).toHaveLength(5);
    expect(problems.join(' ')).toMatch(/"bad\/99".*"127\.1\/32".*"\*".*"a\*b".*"1\.2\.3"/);
    expect(parseAllowList('')).toEqual({ entries: [], problems: [] });
    expect(() => createAddressPolicy({ mode: 'production', allow: 'nope/1' })).toThrow(/VERITY_EGRESS_ALLOW/);
  });

  it('a CIDR entry opens exactly its range, in either IPv6 spelling of an IPv4 address', () => {
    const policy = createAddressPolicy({ mode: 'production', allow: '127.0.0.1/32, 10.1.0.0/16, fd00:1::/32' });
    for (const open of ['127.0.0.1', '::ffff:127.0.0.1', '10.1.200.3', 'fd00:1::5'])
      expect(policy.check(open), open).toEqual({ allowed: true });
    for (const [closed, reason] of [['127.0.0.2', 'loopback'], ['10.2.0.1', 'private'], ['fd00:2::5', 'unique-local'], ['::1', 'loopback']])
      expect(policy.check(closed!), closed).toEqual({ allowed: false, reason });
  });

  it('a host-name entry trusts what that name resolves to, for that name only; never an IP literal', () => {
    const policy = createAddressPolicy({ mode: 'production', allow: 'idp.corp.example, *.gw.example' });
    expect(policy.check('10.0.0.5', 'idp.corp.example')).toEqual({ allowed: true });
    expect(policy.check('10.0.0.5', 'IDP.corp.example.')).toEqual({ allowed: true });
    expect(policy.check('127.0.0.1', 'a.b.gw.example')).toEqual({ allowed: true });
    expect(policy.check('10.0.0.5', 'gw.example')).toEqual({ allowed: false, reason: 'private' });
    expect(policy.check('10.0.0.5', 'other.example')).toEqual({ allowed: false, reason: 'private' });
    expect(policy.check('10.0.0.5', 'xidp.corp.example')).toEqual({ allowed: false, reason: 'private' });
    expect(policy.check('10.0.0.5')).toEqual({ allowed: false, reason: 'private' });
    expect(policy.trustsHost('idp.corp.example')).toBe(true);
    expect(policy.trustsHost('10.0.0.5')).toBe(false);
  });
});

describe('development mode', () => {
  const development = createAddressPolicy({ mode: 'development' });

  it('allows loopback in every form', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) expect(development.check(address), address).toEqual({ allowed: true });
  });

  it('still refuses everything else', () => {
    for (const [address, reason] of [['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['10.0.0.1', 'private'], ['169.254.169.254', 'link-local'], ['fc00::1', 'unique-local']])
      expect(development.check(address!), address).toEqual({ allowed: false, reason });
  });
});

describe('allow-list CIDRs', () => {
  it('read the address as a socket does, and refuse impossible prefixes', () => {
    const policy = createAddressPolicy({ mode: 'production', allow: '::ffff:10.0.0.0/104, ::7f00:1/128' });
    expect(policy.check('10.20.30.40')).toEqual({ allowed: true });
    expect(policy.check('::7f00:1')).toEqual({ allowed: true });
    expect(policy.check('127.0.0.1')).toEqual({ allowed: false, reason: 'loopback' });
    expect(parseAllowList('10.0.0.0/33, fd00::/129, 10.0.0.0/8/1, 10.0.0.0/x').problems).toHaveLength(4);
  });
});
