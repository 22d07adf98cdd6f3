import { isIP } from 'node:net';
import { isForbiddenAddress } from './address-policy.ts';
import {
  type DestinationForbiddenError,
  httpsRequiredRefusal,
  literalRefusal,
  localhostRefusal,
} from './refusal.ts';

export interface DestinationOptions {
  /** BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS: lifts the address checks (development and tests). */
  allowPrivate: boolean;
  /** BOOKFLOW_REQUIRE_HTTPS: refuses http: URLs. */
  requireHttps: boolean;
}

export type DestinationCheck = { ok: true } | { ok: false; reason: string };

/** The URL host without IPv6 brackets or a trailing root dot, lower case (URL already lowers names). */
export function urlHost(url: URL): string {
  const host = url.hostname;
  if (host.startsWith('[') && host.endsWith(']')) return host.slice(1, -1);
  return host.replace(/\.+$/, '');
}

/**
 * What can be decided from a parsed http(s) URL alone, before any DNS lookup or connect: the scheme
 * against requireHttps, and a host that is a literal address or a localhost name. WHATWG URL parsing
 * has already rewritten the other IPv4 spellings (`2130706433`, `0x7f.1`, `017700000001`, `127.1`) to
 * dotted decimal and IPv6 to its canonical form, so checking `hostname` covers them. Host names are
 * left to the lookup and the socket check at connect time: what a name resolves to can change.
 */
export function refuseUrl(url: URL, options: DestinationOptions): DestinationForbiddenError | null {
  const host = urlHost(url);
  if (options.requireHttps && url.protocol === 'http:') return httpsRequiredRefusal(host);
  if (options.allowPrivate) return null;
  if (isIP(host)) {
    const verdict = isForbiddenAddress(host);
    return verdict.forbidden ? literalRefusal(host, verdict.reason) : null;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return localhostRefusal(host);
  return null;
}

/**
 * The check for endpoint creation and update: refuses what will certainly be refused at delivery
 * time (a literal forbidden address, a localhost name, http: when https is required) so the account
 * hears it at once. A host name that resolves to a private address passes here and is refused at
 * connect time, where the address actually used is known.
 */
export function checkDestinationUrl(url: string, options: DestinationOptions): DestinationCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'the destination is not an absolute URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return {
      ok: false,
      reason: `the destination must use http or https, not ${parsed.protocol.slice(0, -1)}`,
    };
  }
  const refusal = refuseUrl(parsed, options);
  return refusal ? { ok: false, reason: refusal.message } : { ok: true };
}
