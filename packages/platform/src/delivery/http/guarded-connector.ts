import { isIP, Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { isForbiddenAddress } from '../../destinations/address-policy.ts';
import {
  connectedRefusal,
  type DestinationForbiddenError,
  literalRefusal,
} from '../../destinations/refusal.ts';

/**
 * Wraps an undici connector with the last two layers of the SSRF guard:
 *
 * 1. before connecting, a host that is an IP literal is checked (net never calls `lookup` for a
 *    literal, so the guarded lookup cannot see it);
 * 2. once TCP is up, the socket's `remoteAddress`, the address actually connected to, is checked,
 *    and the socket destroyed before undici writes a byte or TLS sends its ClientHello.
 *
 * With the guarded lookup in the connect options, the second check should never fire: it is the
 * backstop for whatever reaches the socket by another road (a future proxy option, a lookup that is
 * not the guarded one, a platform quirk in address selection).
 */
export function guardedConnector(base: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const host = options.hostname;
    if (isIP(host)) {
      const verdict = isForbiddenAddress(host);
      if (verdict.forbidden) {
        process.nextTick(callback, literalRefusal(host, verdict.reason), null);
        return;
      }
    }

    let refusal: DestinationForbiddenError | null = null;
    const checkPeer = (socket: Socket): DestinationForbiddenError | null => {
      if (refusal) return refusal;
      const address = socket.remoteAddress;
      // No peer address on a socket that claims to be connected: refuse rather than guess.
      const verdict = address ? isForbiddenAddress(address) : { forbidden: true as const, reason: 'unknown' };
      if (verdict.forbidden)
        refusal = connectedRefusal(host, address ?? 'an unknown address', verdict.reason);
      return refusal;
    };

    // buildConnector's connector returns its socket (typed void). Listening on TCP 'connect' ahead of
    // everyone else closes a TLS socket before its handshake starts; the callback check below
    // covers plain HTTP, where undici's own 'connect' listener hands the socket over first.
    const socket: unknown = base(options, (error, connected) => {
      if (error || !connected) {
        callback(error ?? new Error('connector returned no socket'), null);
        return;
      }
      const refused = checkPeer(connected);
      if (refused) {
        connected.destroy();
        callback(refused, null);
        return;
      }
      callback(null, connected);
    });
    if (socket instanceof Socket) {
      socket.prependOnceListener('connect', () => {
        const refused = checkPeer(socket);
        if (refused) socket.destroy(refused);
      });
    }
  };
}
