import type { paths } from '@bookflow/api-types';
import createClient, { type Client } from 'openapi-fetch';
import type { Settings } from '../config/settings.ts';
import { CliError, EXIT } from '../errors.ts';

export type Api = Client<paths>;

/** A client typed by the generated schema (@bookflow/api-types), authenticated with the API key. */
export function apiClient(settings: Settings): Api {
  const client = createClient<paths>({
    baseUrl: settings.apiUrl,
    headers: { authorization: `Bearer ${settings.apiKey}`, 'user-agent': 'bookflow-cli/0.1' },
  });
  return client;
}

interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  status?: number;
}

/** The body of a successful answer, or a CliError that says what the platform refused and what to do. */
export async function call<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
  what: string,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (err) {
    throw unreachable(err);
  }
  if (result.response.ok) return result.data as T;
  throw problemError(result.response.status, result.error as Problem | undefined, what);
}

export function unreachable(err: unknown): CliError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return new CliError(
    `cannot reach the platform: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    EXIT.unreachable,
    'check that it runs (npm start) and that BOOKFLOW_API_URL or `bookflow login --api-url` points at it',
  );
}

export function problemError(status: number, problem: Problem | undefined, what: string): CliError {
  const detail = problem?.detail ?? problem?.title ?? `HTTP ${status}`;
  const code = problem?.code ? ` (${problem.code})` : '';
  const message = `${what} failed: ${detail}${code}`;
  if (status === 401) {
    return new CliError(
      message,
      EXIT.auth,
      'run `bookflow login` with a valid API key, or set BOOKFLOW_API_KEY',
    );
  }
  if (status === 404 && problem?.code === 'route_not_found') {
    return new CliError(message, EXIT.failed, 'this platform is older than the CLI: update it');
  }
  if (status === 404)
    return new CliError(message, EXIT.notFound, 'check the id (`bookflow … list` shows them)');
  return new CliError(message, EXIT.failed, undefined, problem);
}
