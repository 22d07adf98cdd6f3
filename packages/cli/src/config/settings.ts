import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, EXIT } from '../errors.ts';

export interface Settings {
  apiUrl: string;
  apiKey: string;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

/** `$XDG_CONFIG_HOME/bookflow/config.json`, `%APPDATA%\bookflow\config.json` on Windows, else `~/.config/bookflow/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOOKFLOW_CONFIG) return env.BOOKFLOW_CONFIG;
  const base =
    env.XDG_CONFIG_HOME ||
    (process.platform === 'win32' && env.APPDATA ? env.APPDATA : join(homedir(), '.config'));
  return join(base, 'bookflow', 'config.json');
}

async function readSaved(path: string): Promise<Partial<Settings>> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { api_url?: unknown; api_key?: unknown };
    return {
      apiUrl: typeof parsed.api_url === 'string' ? parsed.api_url : undefined,
      apiKey: typeof parsed.api_key === 'string' ? parsed.api_key : undefined,
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(
      `cannot read ${path}: ${(err as Error).message}`,
      EXIT.failed,
      'run `bookflow login` again',
    );
  }
}

/** BOOKFLOW_API_URL / BOOKFLOW_API_KEY first, then what `bookflow login` saved; `--api-url` over both. */
export async function loadSettings(overrides: { apiUrl?: string } = {}): Promise<Settings> {
  const saved = await readSaved(configPath());
  const apiKey = process.env.BOOKFLOW_API_KEY || saved.apiKey;
  const apiUrl = overrides.apiUrl || process.env.BOOKFLOW_API_URL || saved.apiUrl || DEFAULT_API_URL;
  if (!apiKey) {
    throw new CliError(
      'no API key configured',
      EXIT.auth,
      'run `bookflow login`, or set BOOKFLOW_API_KEY (and BOOKFLOW_API_URL)',
    );
  }
  return { apiUrl: apiUrl.replace(/\/+$/, ''), apiKey };
}

/** Saves the settings readable by the user alone (0600), in a directory only the user can enter. */
export async function saveSettings(settings: Settings): Promise<string> {
  const path = configPath();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(
    path,
    `${JSON.stringify({ api_url: settings.apiUrl, api_key: settings.apiKey }, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
  // writeFile's mode applies only when it creates the file.
  await chmod(path, 0o600);
  return path;
}
