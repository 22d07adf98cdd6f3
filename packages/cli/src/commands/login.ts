import type { Command } from 'commander';
import { apiClient, call } from '../api/client.ts';
import { configPath, DEFAULT_API_URL, saveSettings } from '../config/settings.ts';
import { contextOf } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';

/** Reads the key without echoing it: raw mode on a terminal, else the first line of stdin. */
async function readKey(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split('\n')[0]!.trim();
  }
  process.stderr.write('API key (input hidden): ');
  stdin.setRawMode(true);
  stdin.resume();
  let key = '';
  try {
    for await (const chunk of stdin) {
      for (const ch of (chunk as Buffer).toString('utf8')) {
        if (ch === '\r' || ch === '\n') return key.trim();
        if (ch === '\u0003') throw new CliError('login cancelled', EXIT.aborted);
        if (ch === '\u007f') key = key.slice(0, -1);
        else key += ch;
      }
    }
    return key.trim();
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

export function loginCommand(program: Command): void {
  program
    .command('login')
    .description(
      'save the platform URL and an API key in your config directory (file mode 0600); the key is read without echo, or from stdin when piped',
    )
    .addHelpText('after', `\nThe file: ${configPath()} (BOOKFLOW_CONFIG to move it).`)
    .action(async (_options: unknown, command: Command) => {
      const { out } = contextOf(command);
      const globals = command.optsWithGlobals<{ apiUrl?: string }>();
      const key = await readKey();
      if (!/^bfk_\S+$/.test(key)) {
        throw new CliError(
          'that is not an API key',
          EXIT.usage,
          'API keys start with bfk_ (POST /v1/accounts shows one)',
        );
      }
      const apiUrl = (globals.apiUrl || process.env.BOOKFLOW_API_URL || DEFAULT_API_URL).replace(/\/+$/, '');
      const account = await call(apiClient({ apiUrl, apiKey: key }).GET('/v1/account'), 'checking the key');
      const path = await saveSettings({ apiUrl, apiKey: key });
      out.result(
        { account_id: account.id, api_url: apiUrl, config: path },
        () => `Logged in to ${apiUrl} as ${account.name} (${account.id}). Saved to ${path}.`,
      );
    });
}
