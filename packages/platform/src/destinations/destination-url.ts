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

export type HttpUrl =
  | { ok: true; url: URL }
  | { ok: false; problem: 'not_absolute' }
  /** `scheme` without its colon: `ftp`, `file`. */
  | { ok: false; problem: 'scheme'; scheme: string };

/** The one parse of a destination URL: absolute, and http or https. */
export function parseHttpUrl(raw: string): HttpUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'not_absolute' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: 'scheme', scheme: url.protocol.slice(0, -1) };
  }
  return { ok: true, url };
}

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
 * The check for endpoint creation and update: an absolute http(s) URL without credentials or a
 * fragment, refusing what will certainly be refused at delivery time (a literal forbidden address,
 * a localhost name, http: when https is required) so the account hears it at once. A host name
 * that resolves to a private address passes here and is refused at connect time, where the
 * address actually used is known.
 */
export function checkDestinationUrl(url: string, options: DestinationOptions): DestinationCheck {
  const parsed = parseHttpUrl(url);
  if (!parsed.ok && parsed.problem === 'not_absolute') {
    return { ok: false, reason: 'the destination is not an absolute URL' };
  }
  if (!parsed.ok) {
    return { ok: false, reason: `the destination must use http or https, not ${parsed.scheme}` };
  }
  if (parsed.url.username || parsed.url.password) {
    return { ok: false, reason: 'the URL must not carry credentials; use the signature to authenticate' };
  }
  if (parsed.url.hash) return { ok: false, reason: 'the URL must not have a #fragment' };
  const refusal = refuseUrl(parsed.url, options);
  return refusal ? { ok: false, reason: refusal.message } : { ok: true };
}
