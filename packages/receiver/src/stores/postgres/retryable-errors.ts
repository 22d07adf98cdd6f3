/**
 * Postgres errors worth one more try: the statement failed for a reason unrelated to its content
 * (a serialization conflict, a deadlock victim, a connection dropped by a failover).
 */
const RETRYABLE_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
]);

const RETRYABLE_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (RETRYABLE_SQLSTATES.has(code) || RETRYABLE_NODE_CODES.has(code));
}

/**
 * Runs `fn` again after a short pause when it fails with a retryable error. Only for statements
 * that are safe to repeat, which every queue statement here is (each is one atomic statement).
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
