// `npm run receiver`: the runnable reference consumer (see packages/receiver/README.md).
//   npm run receiver                    serve /webhooks/bookflow, /metrics, /healthz
//   npm run receiver -- dead-letters    list the local dead letter
//   npm run receiver -- replay <id>     replay one dead-lettered event (--all for every one)
import { pino } from 'pino';
import { ConfigError, loadConfig, type ReceiverConfig } from '../config/config.ts';
import { createReceiver } from '../receiver.ts';
import { buildReferenceApp } from './app.ts';
import { openStore } from './open-store.ts';

function readConfig(): ReceiverConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`bookflow receiver: refusing to start, ${error.message}\n`);
    process.exit(2);
  }
}

async function serve(config: ReceiverConfig) {
  const logger = pino({ level: config.logLevel, base: { service: 'bookflow-receiver' } });
  const { store, description } = await openStore(config);
  const reference = await buildReferenceApp(config, store, logger);
  const address = await reference.app.listen({ port: config.port, host: config.host });
  logger.info(
    { address, path: config.path, store: description, worker: config.worker },
    'receiver listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing or releasing in-flight jobs');
    try {
      await reference.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function deadLetterCommand(config: ReceiverConfig, args: string[]) {
  const { store } = await openStore(config);
  const receiver = createReceiver({ store, secrets: config.secrets });
  try {
    if (args[0] === 'dead-letters') {
      for (const dead of await receiver.deadLetters.list({ limit: 1000 })) {
        process.stdout.write(
          `${dead.eventId}  ${dead.eventType}  attempts=${dead.attempts}  dead_at=${dead.deadAt.toISOString()}  ${dead.lastError ?? ''}\n`,
        );
      }
      return;
    }
    if (args[1] === '--all') {
      process.stdout.write(`replayed ${await receiver.deadLetters.replayAll()} event(s)\n`);
      return;
    }
    if (!args[1]) throw new Error('usage: replay <event id> | replay --all');
    const replayed = await receiver.deadLetters.replay(args[1]);
    process.stdout.write(replayed ? `replayed ${args[1]}\n` : `${args[1]} is not in the dead letter\n`);
    if (!replayed) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

const config = readConfig();
const args = process.argv.slice(2);
if (args[0] === 'dead-letters' || args[0] === 'replay') {
  await deadLetterCommand(config, args);
} else {
  await serve(config);
}
