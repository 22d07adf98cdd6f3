import { readFile } from 'node:fs/promises';
import { verifyBookFlow, verifyStandard, WebhookVerificationError } from '@bookflow/events';
import type { Command } from 'commander';
import { contextOf } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';

/**
 * Headers from a captured request: `Name: value` lines, as `curl -D`, a proxy or a request dump
 * writes them (a request or status line first is skipped), or a JSON object of name to value.
 */
export function parseHeaders(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), String(v)]));
  }
  const headers: Record<string, string> = {};
  for (const line of trimmed.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^(GET|POST|PUT|PATCH|DELETE|HTTP\/)/.test(line)) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] ? `${headers[name]} ${value}` : value;
  }
  return headers;
}

interface Check {
  scheme: 'standard-webhooks' | 'x-bookflow-signature';
  ok: boolean;
  reason?: string;
  message: string;
}

const ADVICE: Record<string, string> = {
  missing_header: 'the request was captured without it, or the sender is not BookFlow',
  bad_format: 'the header was altered (copied with extra characters, or cut)',
  stale_timestamp:
    'the request is older than the tolerance: a replayed capture, or give --at with the time it was received',
  future_timestamp: "the sender's clock or --at is ahead; check the clocks",
  no_matching_signature:
    'wrong secret (each endpoint has its own; a rotation keeps the old one for a while: pass each with --secret), or the body was changed (verify the raw bytes, before any JSON parsing)',
  no_secrets: 'give --secret whsec_…',
};

function check(scheme: Check['scheme'], run: () => void, success: string): Check {
  try {
    run();
    return { scheme, ok: true, message: success };
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    return {
      scheme,
      ok: false,
      reason: err.reason,
      message: `${err.message}: ${ADVICE[err.reason] ?? ''}`.trim(),
    };
  }
}

export function verifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'check a captured request: the Standard Webhooks signature (webhook-id, webhook-timestamp, webhook-signature) and X-BookFlow-Signature when present; says which check failed',
    )
    .requiredOption(
      '--secret <whsec>',
      'the endpoint signing secret (repeat for each secret during a rotation)',
      (v, p: string[] = []) => [...p, v],
    )
    .requiredOption('--headers <file>', 'the request headers: Name: value lines, or a JSON object')
    .requiredOption('--body <file>', 'the raw request body, byte for byte')
    .option('--at <unix-seconds>', 'verify as of this time (when the request was received) instead of now')
    .option('--tolerance <seconds>', 'accepted clock difference', '300')
    .action(
      async (
        o: { secret: string[]; headers: string; body: string; at?: string; tolerance: string },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const at = o.at === undefined ? undefined : Number(o.at);
        if (at !== undefined && !Number.isInteger(at))
          throw new CliError('--at must be a unix time in seconds', EXIT.usage);
        const tolerance = Number(o.tolerance);
        if (!Number.isInteger(tolerance) || tolerance < 0)
          throw new CliError('--tolerance must be whole seconds', EXIT.usage);
        const badSecret = o.secret.find((s) => !/^whsec_[A-Za-z0-9+/=]+$/.test(s));
        if (badSecret)
          throw new CliError(
            'a --secret is not a signing secret',
            EXIT.usage,
            'secrets look like whsec_<base64>',
          );
        let headersText: string;
        let body: Buffer;
        try {
          headersText = await readFile(o.headers, 'utf8');
          body = await readFile(o.body);
        } catch (err) {
          throw new CliError(
            `cannot read ${(err as NodeJS.ErrnoException).path}: ${(err as Error).message}`,
            EXIT.usage,
          );
        }
        const headers = parseHeaders(headersText);
        const now = at === undefined ? undefined : () => new Date(at * 1000);
        const checks: Check[] = [
          check(
            'standard-webhooks',
            () => verifyStandard({ headers, body, secrets: o.secret, toleranceSeconds: tolerance, now }),
            'webhook-signature matches, webhook-timestamp is within the tolerance',
          ),
        ];
        if (headers['x-bookflow-signature']) {
          checks.push(
            check(
              'x-bookflow-signature',
              () => verifyBookFlow({ headers, body, secrets: o.secret }),
              'X-BookFlow-Signature matches',
            ),
          );
        }
        const verified = checks.every((c) => c.ok);
        ctx.out.result({ verified, checks }, () => [
          ...checks.map(
            (c) =>
              `${c.ok ? ctx.out.paint('green', 'ok  ') : ctx.out.paint('red', 'FAIL')} ${c.scheme}: ${c.message}`,
          ),
          verified ? 'Verified.' : 'Not verified.',
        ]);
        if (!verified) process.exitCode = EXIT.unverified;
      },
    );
}
