import { createPlatform } from './app.ts';
import { ConfigError, loadConfig, masterKey, type PlatformConfig } from './config/config.ts';
import { type EmbeddedFile, embeddedAdminToken, embeddedMasterKey } from './config/embedded-files.ts';

function welcome(config: PlatformConfig, admin: EmbeddedFile | null): string {
  const url = config.publicUrl;
  const token = admin?.generated ? admin.value : admin ? `$(cat ${admin.path})` : '$BOOKFLOW_ADMIN_TOKEN';
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
      'Send your first event:',
      `  1. curl -s -X POST ${url}/v1/accounts -H "Authorization: Bearer ${token}" -H 'content-type: application/json' -d '{"name":"Acme"}'`,
      '     -> {"id": "...", "api_key": "bfk_..."}; then: export KEY=bfk_...',
      `  2. curl -s -X POST ${url}/v1/endpoints -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\`,
      `       -d '{"url":"http://127.0.0.1:3000/webhooks/bookflow","event_types":["meeting.booked"]}'`,
      '     -> {"id": "ep_...", "secret": "whsec_..."} (run `BOOKFLOW_WEBHOOK_SECRETS=whsec_... npm run receiver` to receive)',
      `  3. curl -s ${url}/v1/event-types | head -c 600    # the catalogue, with an example payload per type`,
      `  4. curl -s -X POST ${url}/v1/events -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\`,
      `       -d '{"type":"meeting.booked","data":<the example data of meeting.booked>}'`,
      `     then: curl -s ${url}/v1/events/<id>/deliveries -H "Authorization: Bearer $KEY"`,
      `  Metrics: ${url}/metrics   Health: ${url}/healthz, ${url}/readyz`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  let config = loadConfig();
  let admin: EmbeddedFile | null = null;
  if (!config.databaseUrl) {
    // Embedded mode sets itself up: secrets it needs are generated once into the data dir.
    if (!config.adminToken) {
      admin = embeddedAdminToken(config.dataDir);
      config = { ...config, adminToken: admin.value };
    }
    if (!config.masterKey)
      config = { ...config, masterKey: masterKey(embeddedMasterKey(config.dataDir).value) };
  }
  if (!config.masterKey) {
    throw new ConfigError(
      'BOOKFLOW_MASTER_KEY is required with DATABASE_URL: it seals endpoint secrets at rest (generate one with: openssl rand -hex 32)',
    );
  }
  const platform = await createPlatform(config);
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
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${err.message}\n`);
  } else {
    process.stderr.write(
      `BookFlow failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
