import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isForbiddenAddress } from './address-policy.ts';
import { resolvedRefusal } from './refusal.ts';

/** Every address a host name resolves to. Injectable so tests never depend on /etc/hosts or DNS. */
export type Resolver = (
  hostname: string,
  options: { family: 0 | 4 | 6; hints?: number },
) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname, { family, hints }) =>
  dns.lookup(hostname, { all: true, family, ...(hints === undefined ? {} : { hints }) });

export interface GuardedLookupOptions {
  resolve?: Resolver;
  /** Turns the guard off: the lookup then only adapts `resolve` to the shape net expects. */
  allowPrivate?: boolean;
}

function familyOf(options: LookupOptions): 0 | 4 | 6 {
  const { family } = options;
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

/**
 * A `lookup` for net/tls connect options that refuses a host name when any address it resolves to
 * is forbidden. net connects to exactly the addresses this function hands back, in the same call,
 * so there is no window between the check and the connect for a DNS rebinding answer to slip
 * through: the next connect resolves (and is checked) again.
 *
 * One forbidden address refuses the whole answer rather than being filtered out: a name that mixes
 * public and internal addresses is not a receiver we want to half-trust, and the error says why.
 *
 * net asks with `all: true` when it races IPv4 and IPv6 (autoSelectFamily, on by default since
 * Node 20) and with `all: false` otherwise; both shapes are answered. Never calls back twice and
 * never throws: a resolver failure (ENOTFOUND, ...) is passed through as the lookup error.
 */
export function guardedLookup(options: GuardedLookupOptions = {}): LookupFunction {
  const resolve = options.resolve ?? systemResolver;
  const allowPrivate = options.allowPrivate ?? false;
  return (hostname, lookupOptions, callback) => {
    const answer = async (): Promise<LookupAddress[]> => {
      const addresses = await resolve(hostname, {
        family: familyOf(lookupOptions),
        ...(lookupOptions.hints === undefined ? {} : { hints: lookupOptions.hints }),
      });
      if (addresses.length === 0) {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      }
      if (allowPrivate) return addresses;
      for (const { address } of addresses) {
        const verdict = isForbiddenAddress(address);
        if (verdict.forbidden) throw resolvedRefusal(hostname, address, verdict.reason);
      }
      return addresses;
    };
    answer().then(
      (addresses) => {
        if (lookupOptions.all) callback(null, addresses);
        else {
          const [first] = addresses as [LookupAddress];
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        callback(failure as NodeJS.ErrnoException, '', 0);
      },
    );
  };
}
