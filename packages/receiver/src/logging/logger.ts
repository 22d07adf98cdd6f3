/**
 * The logging the receiver needs: a pino logger fits as is (the reference consumer passes one),
 * and so does anything with the same four methods and `child`.
 */
export interface ReceiverLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): ReceiverLogger;
}

export const silentLogger: ReceiverLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** Error fields worth a log line, without the payload or anything a handler attached. */
export function errorFields(error: unknown): { message: string; name?: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { message: String(error) };
}
