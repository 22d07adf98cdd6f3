import { Command, CommanderError } from 'commander';
import { completionCommand } from './commands/completion.ts';
import { deliveriesCommand } from './commands/deliveries.ts';
import { endpointsCommand } from './commands/endpoints.ts';
import { eventsCommand } from './commands/events.ts';
import { listenCommand } from './commands/listen.ts';
import { loginCommand } from './commands/login.ts';
import { simulateCommand } from './commands/simulate.ts';
import { tailCommand } from './commands/tail.ts';
import { triggerCommand } from './commands/trigger.ts';
import { verifyCommand } from './commands/verify.ts';
import { CliError, EXIT } from './errors.ts';

const EXIT_CODES = `
Configuration: \`bookflow login\`, or BOOKFLOW_API_URL and BOOKFLOW_API_KEY.
Exit codes: 0 ok, 1 refused by the platform, 2 wrong usage, 3 no or invalid API key, 4 not found,
5 platform unreachable, 6 verify: not verified, 7 not confirmed.`;

export function buildProgram(): Command {
  const program = new Command('bookflow')
    .description('BookFlow Webhooks from the command line')
    .version('0.1.0')
    .option('--json', 'print JSON for scripts instead of text')
    .option(
      '--api-url <url>',
      'the platform (default: BOOKFLOW_API_URL, then `bookflow login`, then http://127.0.0.1:8080)',
    )
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES)
    .exitOverride();
  loginCommand(program);
  endpointsCommand(program);
  eventsCommand(program);
  deliveriesCommand(program);
  triggerCommand(program);
  tailCommand(program);
  listenCommand(program);
  verifyCommand(program);
  simulateCommand(program);
  completionCommand(program);
  // Every command exits through main() below, with the codes above.
  const override = (command: Command) => {
    command.exitOverride();
    for (const sub of command.commands) override(sub);
  };
  override(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, successfully.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    if (err instanceof CliError) {
      process.stderr.write(`Error: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
      process.exitCode = err.code;
      return;
    }
    process.stderr.write(`Error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = EXIT.failed;
  }
}

await main();
