// The egress module as suites use it: production policy with an allow-list (by default the loopback
// address the test servers listen on), and a resolver of made-up names so a suite decides what a host
// name resolves to, and when (DNS rebinding).
import { createAddressPolicy } from '../../src/net/address-policy.ts';
import { createEgress, type Egress, type Resolver } from '../../src/net/egress.ts';

/** Every spelling of loopback the issue names, and the other refused addresses it lists, as URL hosts. */
export const REFUSED_HOSTS = [
  '127.0.0.1', 'localhost', '127.1', '2130706433', '0x7f000001', '0.0.0.0', '169.254.169.254', '10.0.0.1', '172.16.0.1',
  '192.168.1.1', '100.64.0.1', '224.0.0.1', '[::1]', '[::]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[fc00::1]', '[fe80::1]',
];

/** A name's answer: fixed addresses, or a function asked on every lookup (to change the answer between calls). */
export type NameAnswer = string | string[] | (() => string | string[]);

/** Resolves the names given (and `localhost`, as /etc/hosts does), in any case and with or without the
 *  root's trailing dot, as a resolver does; any other name fails with ENOTFOUND. */
export function mapResolver(names: Record<string, NameAnswer>): Resolver {
  const table: Record<string, NameAnswer> = { localhost: ['127.0.0.1', '::1'], ...names };
  return async (hostname) => {
    const answer = table[hostname.toLowerCase().replace(/\.$/, '')];
    if (answer === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const list = typeof answer === 'function' ? answer() : answer;
    return (Array.isArray(list) ? list : [list]).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

export function testEgress(
  options: { allow?: string; mode?: 'development' | 'production'; names?: Record<string, NameAnswer> } = {},
): Egress {
  const policy = createAddressPolicy({ mode: options.mode ?? 'production', allow: options.allow ?? '127.0.0.1/32' });
  return createEgress({ policy, resolve: mapResolver(options.names ?? {}) });
}
