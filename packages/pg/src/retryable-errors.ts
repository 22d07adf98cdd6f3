/**
 * The one table of Postgres and socket error codes worth knowing about: `conflict` means the
 * statement lost a race (serialization failure, deadlock victim) and can simply run again;
 * `connection` means the connection itself is gone (server restart, failover, terminated backend),
 * so the client must not be reused, and a statement safe to repeat can run again on a new one;
 * `busy` means the server is up but takes no more connections for now.
 */
const ERROR_CODES: Readonly<Record<string, 'conflict' | 'connection' | 'busy'>> = {
  '40001': 'conflict', // serialization_failure
  '40P01': 'conflict', // deadlock_detected
  '57P01': 'connection', // admin_shutdown (also pg_terminate_backend)
  '57P02': 'connection', // crash_shutdown
  '57P03': 'connection', // cannot_connect_now
  '08000': 'connection', // connection_exception
  '08003': 'connection', // connection_does_not_exist
  '08006': 'connection', // connection_failure
  '08001': 'connection', // sqlclient_unable_to_establish_sqlconnection
  '53300': 'busy', // too_many_connections
  ECONNRESET: 'connection',
  ECONNREFUSED: 'connection',
  EPIPE: 'connection',
  ETIMEDOUT: 'connection',
  EHOSTUNREACH: 'connection',
  ENETUNREACH: 'connection',
};

// node-postgres reports a socket closed under it with these messages and no code.
const LOST_CONNECTION_MESSAGE = /Connection terminated|not queryable/i;
// pg-pool, when no connection could be had within its connectionTimeoutMillis.
const POOL_TIMEOUT_MESSAGE = /timeout exceeded when trying to connect/i;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The connection this error came from cannot be used again. */
export function isConnectionLost(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && ERROR_CODES[code] === 'connection') return true;
  return error instanceof Error && LOST_CONNECTION_MESSAGE.test(error.message);
}

/** The statement failed for a reason unrelated to its content: running it again may succeed. */
export function isRetryable(error: unknown): boolean {
  const code = codeOf(error);
  return (code !== undefined && Object.hasOwn(ERROR_CODES, code)) || isConnectionLost(error);
}

/**
 * The database cannot be reached or takes no more work for now (restart, failover, terminated
 * backend, too many connections), as opposed to refusing this statement: what a server answers
 * with 503 and Retry-After, since the same request is likely to succeed a moment later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && ERROR_CODES[code] === 'busy') return true;
  return isConnectionLost(error) || (error instanceof Error && POOL_TIMEOUT_MESSAGE.test(error.message));
}

/**
 * Runs `fn` again after a short pause when it fails with a retryable error. Only for statements
 * that are safe to repeat (each one atomic statement, or a whole transaction).
 */
export async function withRetries<T>(fn: () => Promise<T>, attempts = 3, pauseMs = 50): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * attempt));
    }
  }
}
