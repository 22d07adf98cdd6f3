import { type AddressInfo, createServer, type LookupFunction, type Server, Socket } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/delivery/http/classify-error.ts';
import { guardedConnector } from '../../src/delivery/http/guarded-connector.ts';
import { DestinationForbiddenError } from '../../src/destinations/index.ts';
import { installTripwire, type Tripwire } from '../destinations/tripwire.ts';

// The last layer of the guard: the address the socket actually connected to. To reach it, these
// tests hand undici a lookup that is NOT the guarded one (a resolver that "lies" with 127.0.0.1),
// as a future code path might; the socket check must still close the connection before a byte of
// HTTP, or of a TLS handshake, leaves.

const HINT = 'refused by the SSRF guard (BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS=true lifts it in development)';

/** A raw TCP server on 127.0.0.1 that counts connections and bytes received. */
interface Listener {
  port: number;
  connections: number;
  bytes: number;
  server: Server;
}

let tripwire: Tripwire;
let listener: Listener;
const agents: Agent[] = [];

beforeAll(async () => {
  tripwire = installTripwire();
  const state = { connections: 0, bytes: 0 };
  const server = createServer((socket) => {
    state.connections += 1;
    socket.on('data', (chunk: Buffer) => {
      state.bytes += chunk.length;
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  listener = {
    port: (server.address() as AddressInfo).port,
    server,
    get connections() {
      return state.connections;
    },
    get bytes() {
      return state.bytes;
    },
  };
});
afterAll(async () => {
  await new Promise<void>((resolve) => listener.server.close(() => resolve()));
  tripwire.uninstall();
});
beforeEach(() => tripwire.reset());
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

/** Answers every name with 127.0.0.1, unchecked. */
const unguardedLookup: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

function agent(): Agent {
  const a = new Agent({
    connect: guardedConnector(buildConnector({ timeout: 2_000, lookup: unguardedLookup })),
  });
  agents.push(a);
  return a;
}

/** Waits until the listener has seen `connections` connections and a little more time has passed. */
async function settle(connections: number): Promise<void> {
  for (let i = 0; i < 100 && listener.connections < connections; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}

type Connector = Parameters<typeof guardedConnector>[0];
type ConnectOptions = Parameters<Connector>[0];

/** Calls a connector once; resolves with the error or the socket it called back with. */
function dial(connector: Connector, options: ConnectOptions): Promise<Error | Socket> {
  return new Promise((resolve) =>
    connector(options, (error, socket) => resolve(error ?? (socket as Socket))),
  );
}

describe('guardedConnector', () => {
  it.each([
    ['http', 'http:'],
    ['https', 'https:'],
  ])('closes a %s connection that reached 127.0.0.1 before sending anything', async (_name, protocol) => {
    const before = { connections: listener.connections, bytes: listener.bytes };
    const error = await request(`${protocol}//innocent.customer.test:${listener.port}/`, {
      method: 'POST',
      body: '{"secret":"payload"}',
      dispatcher: agent(),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(classifyError(error)).toEqual({
      kind: 'destination_forbidden',
      message: `destination innocent.customer.test connected to 127.0.0.1, a loopback address; connection closed, ${HINT}`,
    });
    await settle(before.connections + 1);
    // TCP was accepted (that is how the address became known), but no request and no TLS ClientHello.
    expect(listener.connections).toBe(before.connections + 1);
    expect(listener.bytes).toBe(before.bytes);
    expect(tripwire.connects).toEqual(['127.0.0.1']);
  });

  it('refuses a literal forbidden host without connecting', async () => {
    const before = listener.connections;
    const connect = guardedConnector(buildConnector({ timeout: 2_000 }));
    const error = await dial(connect, {
      hostname: '127.0.0.1',
      host: `127.0.0.1:${listener.port}`,
      protocol: 'http:',
      port: String(listener.port),
    });
    expect(error).toBeInstanceOf(DestinationForbiddenError);
    expect((error as Error).message).toBe(`destination 127.0.0.1 is a loopback address; ${HINT}`);
    expect(tripwire.connects).toEqual([]);
    await settle(before);
    expect(listener.connections).toBe(before);
  });

  it.each(['::1', '::ffff:7f00:1', '169.254.169.254', 'fd00:ec2::254'])(
    'refuses the literal %s (undici passes IPv6 hosts without brackets)',
    async (hostname) => {
      const connect = guardedConnector(buildConnector({ timeout: 2_000 }));
      const error = await dial(connect, { hostname, protocol: 'https:', port: '443' });
      expect(error).toBeInstanceOf(DestinationForbiddenError);
      expect(tripwire.connects).toEqual([]);
      expect(tripwire.blocked).toEqual([]);
    },
  );

  // A stand-in for the underlying connector: no network at all, just a socket whose peer address
  // is set, to check both branches of the decision.
  function fakeConnector(remoteAddress: string) {
    const socket = new Socket();
    Object.defineProperty(socket, 'remoteAddress', { value: remoteAddress });
    return {
      socket,
      connector: ((_options, callback) => {
        process.nextTick(callback, null, socket);
        return socket;
      }) as Connector,
    };
  }

  it('hands over a socket connected to a public address', async () => {
    const { socket, connector } = fakeConnector('93.184.215.14');
    const result = await dial(guardedConnector(connector), {
      hostname: 'public.test',
      protocol: 'http:',
      port: '80',
    });
    expect(result).toBe(socket);
    expect(socket.destroyed).toBe(false);
    socket.destroy();
  });

  it('destroys a socket connected to a forbidden address and reports why', async () => {
    const { socket, connector } = fakeConnector('::ffff:10.0.0.5');
    const result = await dial(guardedConnector(connector), {
      hostname: 'rebind.test',
      protocol: 'http:',
      port: '80',
    });
    expect(result).toBeInstanceOf(DestinationForbiddenError);
    expect((result as Error).message).toBe(
      `destination rebind.test connected to ::ffff:10.0.0.5, a private address (IPv4-mapped 10.0.0.5); connection closed, ${HINT}`,
    );
    expect(socket.destroyed).toBe(true);
  });

  it('passes a connect error through', async () => {
    const failure = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const connector: Connector = (_options, callback) => {
      process.nextTick(callback, failure, null);
    };
    const result = await dial(guardedConnector(connector), {
      hostname: 'down.test',
      protocol: 'http:',
      port: '80',
    });
    expect(result).toBe(failure);
  });
});
