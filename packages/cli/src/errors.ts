/**
 * Exit codes, stable for scripts (listed in the README and by `bookflow --help`).
 */
export const EXIT = {
  ok: 0,
  /** The platform refused the request (a 4xx other than those below, or a 5xx). */
  failed: 1,
  /** Wrong flags or arguments. */
  usage: 2,
  /** No API key configured, or the platform refused it. */
  auth: 3,
  /** The id names nothing (or another account's resource). */
  notFound: 4,
  /** The platform could not be reached. */
  unreachable: 5,
  /** `verify`: the request does not verify. */
  unverified: 6,
  /** Stopped at a confirmation prompt. */
  aborted: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error to report in one line (plus what to do) and exit with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode = EXIT.failed,
    readonly hint?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
