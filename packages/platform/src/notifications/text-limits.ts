/** Cuts text to `max` characters, marking the cut, so payloads stay inside each API's field limits. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Replaces every occurrence of a secret, so an error message that echoes it cannot leak it. */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out;
}

/** "HTTP 500: upstream timed out", "HTTP 500", the error alone, or a placeholder. */
export function describeLastError(statusCode: number | null, error: string | null): string {
  if (statusCode !== null && error)
    return error.includes(String(statusCode)) ? error : `HTTP ${statusCode}: ${error}`;
  if (statusCode !== null) return `HTTP ${statusCode}`;
  return error ?? 'unknown error';
}

/** The host of an endpoint URL, which is what PagerDuty wants as `source`; the raw text if unparsable. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
