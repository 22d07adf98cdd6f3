import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  DESTINATION_FORBIDDEN_CODE,
  DestinationForbiddenError,
  guardedLookup,
  type Resolver,
} from '../../src/destinations/index.ts';

// The lookup is called the way net calls it; no socket is opened and, except for the one
// `localhost` case, no name is resolved by the system.

interface Answer {
  error: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family: number | undefined;
}

function lookupOnce(lookup: LookupFunction, hostname: string, all: boolean, family = 0): Promise<Answer> {
  return new Promise((resolve) => {
    let calls = 0;
    lookup(hostname, { all, family }, (error, address, fam) => {
      calls += 1;
      expect(calls).toBe(1);
      resolve({ error, address, family: fam });
    });
  });
}

/** A resolver that answers every name with `addresses` and records what it was asked. */
function fixed(...addresses: string[]): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('guardedLookup', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.5.4', 'a private address'],
    ['192.168.1.20', 'a private address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['100.64.0.7', 'a carrier-grade NAT (shared) address'],
    ['fe80::abcd', 'a link-local address'],
    ['::ffff:127.0.0.1', 'a loopback address (IPv4-mapped 127.0.0.1)'],
    ['0.0.0.0', 'an unspecified ("this network") address'],
  ])('refuses a name resolving to %s', async (address, reason) => {
    const resolve = fixed(address);
    for (const all of [true, false]) {
      const { error } = await lookupOnce(guardedLookup({ resolve }), 'hooks.customer.test', all);
      expect(error).toBeInstanceOf(DestinationForbiddenError);
      expect(error?.code).toBe(DESTINATION_FORBIDDEN_CODE);
      expect(error?.message).toBe(
        `destination hooks.customer.test resolves to ${address}, ${reason}; refused by the SSRF guard ` +
          '(BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS=true lifts it in development)',
      );
    }
    expect(resolve.asked).toEqual(['hooks.customer.test', 'hooks.customer.test']);
  });

  it('refuses the whole answer when one of several addresses is forbidden', async () => {
    const resolve = fixed('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '127.0.0.1');
    const { error } = await lookupOnce(guardedLookup({ resolve }), 'mixed.test', true);
    expect(error?.message).toContain('resolves to 127.0.0.1, a loopback address');
  });

  it('hands public addresses back in the shape net asked for', async () => {
    const resolve = fixed('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c');
    expect(await lookupOnce(guardedLookup({ resolve }), 'public.test', true)).toEqual({
      error: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookupOnce(guardedLookup({ resolve }), 'public.test', false)).toEqual({
      error: null,
      address: '93.184.215.14',
      family: 4,
    });
  });

  it('passes the requested family and hints on to the resolver', async () => {
    const seen: unknown[] = [];
    const resolve: Resolver = async (_hostname, options) => {
      seen.push(options);
      return [{ address: '8.8.8.8', family: 4 }];
    };
    const lookup = guardedLookup({ resolve });
    await lookupOnce(lookup, 'a.test', true, 4);
    await new Promise<void>((done) => lookup('b.test', { family: 'IPv6', hints: 32 }, () => done()));
    expect(seen).toEqual([{ family: 4 }, { family: 6, hints: 32 }]);
  });

  it('checks again on every call, so a rebinding answer is caught on the connect that uses it', async () => {
    const answers = ['93.184.215.14', '127.0.0.1'];
    const resolve: Resolver = async () => {
      const address = answers.shift() ?? '127.0.0.1';
      return [{ address, family: 4 }];
    };
    const lookup = guardedLookup({ resolve });
    expect((await lookupOnce(lookup, 'rebind.test', true)).error).toBeNull();
    expect((await lookupOnce(lookup, 'rebind.test', true)).error?.message).toContain('resolves to 127.0.0.1');
  });

  it('passes a resolver failure through unchanged', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    const resolve: Resolver = async () => {
      throw failure;
    };
    expect((await lookupOnce(guardedLookup({ resolve }), 'nowhere.invalid', true)).error).toBe(failure);
  });

  it('treats an empty answer as ENOTFOUND', async () => {
    const { error } = await lookupOnce(guardedLookup({ resolve: fixed() }), 'empty.test', false);
    expect(error?.code).toBe('ENOTFOUND');
  });

  it('lets private answers through when allowPrivate is set', async () => {
    const lookup = guardedLookup({ resolve: fixed('127.0.0.1'), allowPrivate: true });
    expect(await lookupOnce(lookup, 'dev.test', false)).toEqual({
      error: null,
      address: '127.0.0.1',
      family: 4,
    });
  });

  it('refuses localhost through the real system resolver', async () => {
    const { error } = await lookupOnce(guardedLookup(), 'localhost', true);
    expect(error).toBeInstanceOf(DestinationForbiddenError);
    expect(error?.message).toMatch(
      /^destination localhost resolves to (127\.0\.0\.1|::1), a loopback address;/,
    );
  });
});
