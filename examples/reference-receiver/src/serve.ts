import { join } from 'node:path';
import { ConnectorsConfigError, loadConnectorsConfig, openConnectors } from '@bookflow/connectors';
import { ReceiverMetrics } from '@bookflow/receiver';
import { openPGlite } from '@bookflow/receiver/pglite';
import { PostgresStore } from '@bookflow/receiver/postgres';
import { pino } from 'pino';
import { registerAdminRoutes } from './admin-routes.ts';
import { buildReferenceApp } from './app.ts';
import type { ReceiverConfig } from './config/config.ts';
import { openStore } from './open-store.ts';
import { findRunningReceiver, newAdminToken, removeRuntimeFile, writeRuntimeFile } from './runtime-file.ts';

function refuse(message: string): never {
  process.stderr.write(`bookflow receiver: ${message}\n`);
  process.exit(1);
}

/** The admin routes' address as seen from this machine: a wildcard host is reached on loopback. */
function adminUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

/** `afterClose` runs once the receiver has stopped, before the process exits (flushing traces). */
export async function serve(config: ReceiverConfig, afterClose?: () => Promise<void>): Promise<void> {
  const embedded = config.store === 'postgres' && !config.databaseUrl;
  const other = await findRunningReceiver(config.dataDir);
  if (embedded && other) {
    refuse(
      `another receiver (pid ${other.pid}, ${other.url}) is using the embedded database in ${config.dataDir}, which only one process may open: stop it, or set BOOKFLOW_RECEIVER_DATA_DIR to another directory`,
    );
  }
  let connectorsConfig: ReturnType<typeof loadConnectorsConfig>;
  try {
    connectorsConfig = loadConnectorsConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConnectorsConfigError)) throw error;
    refuse(error.message);
  }
  const logger = pino({ level: config.logLevel, base: { service: 'bookflow-receiver' } });
  const { store, description } = await openStore(config);
  // One registry for the receiver and its connectors, so /metrics shows both.
  const metrics = new ReceiverMetrics();
  const { connectors, descriptions } = await openConnectors(connectorsConfig, {
    // The CRM connectors' mapping table lives beside the receiver's own tables; a Redis or memory
    // store has none, so an embedded database in the data directory holds it instead.
    db: async () =>
      store instanceof PostgresStore ? store.db : openPGlite(join(config.dataDir, 'connectors')),
    concurrency: config.concurrency,
    registry: metrics.registry,
  });
  const reference = await buildReferenceApp(config, store, logger, connectors, metrics);
  const token = newAdminToken();
  registerAdminRoutes(reference.app, reference.receiver, token);

  let address: string;
  try {
    address = await reference.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await reference.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      refuse(
        `port ${config.port} is already in use on ${config.host}: set PORT to a free port, or stop the process using it`,
      );
    }
    if (code === 'EACCES')
      refuse(`port ${config.port} needs privileges on ${config.host}: set PORT to a port above 1023`);
    throw error;
  }
  const port = (reference.app.server.address() as { port: number }).port;
  await writeRuntimeFile(config.dataDir, { pid: process.pid, url: adminUrl(config.host, port), token });
  logger.info(
    { address, path: config.path, store: description, worker: config.worker, connectors: descriptions },
    'receiver listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing or releasing in-flight jobs');
    try {
      await removeRuntimeFile(config.dataDir);
      await reference.close();
      await afterClose?.();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
