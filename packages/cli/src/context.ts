import type { Command } from 'commander';
import { type Api, apiClient } from './api/client.ts';
import { loadSettings, type Settings } from './config/settings.ts';
import { Output } from './output/print.ts';

/** What every command gets: its output mode and, on demand, the configured API client. */
export interface Context {
  out: Output;
  settings(): Promise<Settings>;
  api(): Promise<Api>;
}

export function contextOf(command: Command): Context {
  const globals = command.optsWithGlobals<{ json?: boolean; apiUrl?: string }>();
  const out = new Output(Boolean(globals.json));
  let settings: Promise<Settings> | null = null;
  const load = () => {
    settings ??= loadSettings({ apiUrl: globals.apiUrl });
    return settings;
  };
  return { out, settings: load, api: async () => apiClient(await load()) };
}

/** Comma- or space-separated values of a flag, e.g. `--types meeting.booked,call.ended`. */
export function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}

/** Asks a yes/no question on a terminal; `--yes` answers it, and without a terminal it must. */
export async function confirm(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** A resource's `show <id>` command: with the context and the API client, fetch and print the one `id`. */
export function showCommand(
  parent: Command,
  description: string,
  show: (ctx: Context, api: Api, id: string) => Promise<void>,
): Command {
  return parent
    .command('show <id>')
    .description(description)
    .action(async (id: string, _o, command: Command) => {
      const ctx = contextOf(command);
      await show(ctx, await ctx.api(), id);
    });
}
