import type { Command } from 'commander';
import { loadSettings } from '../config/settings.ts';
import { CliError, EXIT } from '../errors.ts';

/**
 * `bookflow simulate [options]`: the voice-agent simulator (packages/simulator, `npm run simulate`)
 * with the CLI's configured platform and key as its defaults. Its options are its own (see
 * `bookflow simulate --help`), so they are passed through untouched rather than declared twice.
 */
export function simulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      "play seeded voice-agent traffic against the platform (the simulator's options: bookflow simulate --help)",
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      const globals = command.optsWithGlobals<{ apiUrl?: string }>();
      // The login or BOOKFLOW_API_* settings, when there are any; --dry-run needs none.
      const settings = await loadSettings({ apiUrl: globals.apiUrl }).catch(() => null);
      if (settings) {
        process.env.BOOKFLOW_URL ??= settings.apiUrl;
        process.env.BOOKFLOW_API_KEY ??= settings.apiKey;
      }
      // The simulator's entry point reads process.argv and sets process.exitCode; it runs in this
      // process (tsx is already registered by bin/bookflow.js), so its progress and summary stream
      // straight to this terminal.
      const main = new URL('./main.ts', simulatorEntry());
      process.argv = [process.argv[0]!, main.pathname, ...args];
      await import(main.href);
    });
}

/**
 * The simulator is a private workspace of the repository, not shipped with the installed CLI:
 * there, say where it runs instead of crashing on a missing module.
 */
function simulatorEntry(): string {
  try {
    return import.meta.resolve('@bookflow/simulator');
  } catch {
    throw new CliError(
      'bookflow simulate runs from the BookFlow Webhooks repository: npm run simulate',
      EXIT.usage,
    );
  }
}
