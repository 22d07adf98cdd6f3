import dns from 'node:dns';
import net from 'node:net';

/**
 * A test-only net guard: these tests point the sender at internal addresses on purpose, and must
 * never send a packet anywhere but loopback even if the SSRF guard regresses. While installed,
 * every socket connect in this process is inspected: a literal host, or each address a name's
 * lookup returns, must be loopback or the connect fails with ETRIPWIRE. Whatever was let through
 * is recorded in `connects`, whatever was stopped in `blocked`, so a test can assert that the
 * guard refused an address before any connect was attempted (both lists empty).
 */
export interface Tripwire {
  /** Addresses a socket was allowed to connect to (all loopback). */
  connects: string[];
  /** Non-loopback addresses that reached a connect: each one is an SSRF guard failure. */
  blocked: string[];
  reset(): void;
  uninstall(): void;
}

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function isLoopback(address: string): boolean {
  const family = net.isIP(address);
  // BlockList matches ::ffff:127.x against the IPv4 rule, which is what a dual-stack socket does too.
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

interface ConnectOptions {
  host?: string;
  path?: string;
  lookup?: net.LookupFunction;
}

function tripped(addresses: string[]): NodeJS.ErrnoException {
  return Object.assign(new Error(`tripwire: connect to non-loopback ${addresses.join(', ')} stopped`), {
    code: 'ETRIPWIRE',
  });
}

export function installTripwire(): Tripwire {
  const original = net.Socket.prototype.connect;
  const connects: string[] = [];
  const blocked: string[] = [];

  function patched(this: net.Socket, ...args: unknown[]): net.Socket {
    // net.connect passes its normalised [options, callback] array; tls.connect passes options.
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    if (typeof first === 'object' && first !== null && !(first as ConnectOptions).path) {
      const options = first as ConnectOptions;
      const host = options.host ?? 'localhost';
      if (net.isIP(host)) {
        if (!isLoopback(host)) {
          blocked.push(host);
          process.nextTick(() => this.destroy(tripped([host])));
          return this;
        }
        connects.push(host);
      } else {
        const inner: net.LookupFunction = options.lookup ?? (dns.lookup as unknown as net.LookupFunction);
        options.lookup = (hostname, lookupOptions, callback) =>
          inner(hostname, lookupOptions, (error, address, family) => {
            if (error) return callback(error, address, family);
            const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
            const outside = list.filter((a) => !isLoopback(a));
            if (outside.length > 0) {
              blocked.push(...outside);
              return callback(tripped(outside), '', 0);
            }
            connects.push(...list);
            callback(null, address, family);
          });
      }
    } else if (typeof first !== 'object' || first === null) {
      // connect(port[, host]): not used by undici; refuse rather than let it through unchecked.
      process.nextTick(() => this.destroy(tripped([String(args[1] ?? 'localhost')])));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  }

  net.Socket.prototype.connect = patched as typeof original;
  return {
    connects,
    blocked,
    reset() {
      connects.length = 0;
      blocked.length = 0;
    },
    uninstall() {
      net.Socket.prototype.connect = original;
    },
  };
}
