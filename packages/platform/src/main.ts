import { createPlatform } from './app.ts';
import { ConfigError, loadConfig, type PlatformConfig, resolveMasterKey } from './config/config.ts';
import { type EmbeddedFile, embeddedAdminToken } from './config/embedded-files.ts';
import { quickStartNext, quickStartSteps } from './quick-start.ts';

function welcome(config: PlatformConfig, admin: EmbeddedFile | null): string {
  const url = config.publicUrl;
  const token = admin ? `$(cat ${admin.path})` : '$BOOKFLOW_ADMIN_TOKEN';
  const lines = [
    '',
    `BookFlow Webhooks is running at ${url} (${config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`}; roles: ${config.roles.join(', ')})`,
  ];
  if (admin?.generated) {
    lines.push('', `Admin token (shown once; kept in ${admin.path}):`, `  ${admin.value}`);
  }
  if (config.roles.includes('api')) {
    lines.push(
      '',
      `Dashboard: ${url}/ (sign in with an account's API key; step 1 below creates an account and its key)`,
      '',
      'Send your first event, in a second terminal:',
      '',
      ...quickStartSteps(url, token).map((line) => `  ${line}`),
      '',
      ...quickStartNext(),
      '',
      `API reference: ${url}/docs   Metrics: ${url}/metrics   Health: ${url}/healthz, ${url}/readyz`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Errors a person can fix from one line; anything else is a bug and keeps its stack trace. */
function startFailure(err: unknown, config: PlatformConfig | null): string {
  if (err instanceof ConfigError) return `Configuration error: ${err.message}`;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' && config) {
    return `BookFlow failed to start: port ${config.port} on ${config.host} is already in use; stop the other process or choose another port with PORT (e.g. PORT=${config.port === 65535 ? 8081 : config.port + 1} npm start)`;
  }
  if (code === 'EACCES' && config) {
    return `BookFlow failed to start: not allowed to listen on port ${config.port} on ${config.host}; choose another port with PORT`;
  }
  return `BookFlow failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}

let startingConfig: PlatformConfig | null = null;

async function main(): Promise<void> {
  let settings = loadConfig();
  let admin: EmbeddedFile | null = null;
  // Embedded mode sets itself up: secrets it needs are generated once into the data dir.
  if (!settings.databaseUrl && !settings.adminToken) {
    admin = embeddedAdminToken(settings.dataDir);
    settings = { ...settings, adminToken: admin.value };
  }
  const config = resolveMasterKey(settings);
  startingConfig = config;
  // Before the platform is created, so Fastify and pg are instrumented. Off without an endpoint,
  // and then the SDK is not even loaded.
  const tracing = config.otlpEndpoint
    ? (await import('./tracing/sdk.ts')).startTracing({
        endpoint: config.otlpEndpoint,
        serviceName: config.otelServiceName,
      })
    : null;
  const platform = await createPlatform(config);
  // A start that fails (the port is taken) exits at once: nothing has been claimed yet.
  await platform.start();
  process.stdout.write(welcome(config, admin));
  if (config.allowPrivateDestinations) {
    platform.logger.warn(
      'the SSRF guard is off (embedded mode default, or BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS=true): endpoints may target localhost and private networks',
    );
  }
  if (!config.adminToken && config.roles.includes('api')) {
    platform.logger.warn('BOOKFLOW_ADMIN_TOKEN is not set: POST /v1/accounts is refused until it is');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    platform.logger.info({ signal }, 'shutting down');
    await platform.stop();
    await tracing?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`${startFailure(err, startingConfig)}\n`);
  process.exit(1);
});
