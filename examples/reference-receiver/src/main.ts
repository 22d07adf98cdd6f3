// `npm run receiver`: the runnable reference consumer (see examples/reference-receiver/README.md).
//   npm run receiver                    serve /webhooks/bookflow, /metrics, /healthz
//   npm run receiver -- dead-letters    list the local dead letter (no secrets needed)
//   npm run receiver -- replay <id>     replay one dead-lettered event (--all for every one)

import { CommandError, deadLetterCommand } from './commands.ts';
import { ConfigError, loadConfig, type ReceiverConfig } from './config/config.ts';
import { serve } from './serve.ts';

function readConfig(secretsOptional: boolean): ReceiverConfig {
  try {
    return loadConfig(process.env, { secretsOptional });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`bookflow receiver: refusing to start, ${error.message}\n`);
    process.exit(2);
  }
}

const args = process.argv.slice(2);
if (args[0] === 'dead-letters' || args[0] === 'replay') {
  try {
    await deadLetterCommand(readConfig(true), args);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    process.stderr.write(`bookflow receiver: ${error.message}\n`);
    process.exitCode = 1;
  }
} else {
  const config = readConfig(false);
  // The SDK is loaded only when traces are exported.
  const stopTracing = config.otlpEndpoint
    ? (await import('./tracing.ts')).startTracing(config.otlpEndpoint)
    : null;
  await serve(config, stopTracing ?? undefined);
}
