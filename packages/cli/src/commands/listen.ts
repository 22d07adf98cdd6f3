import { performance } from 'node:perf_hooks';
import type { operations, Schema } from '@bookflow/api-types';
import type { Command } from 'commander';
import { type Api, call } from '../api/client.ts';
import { contextOf, list } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Output } from '../output/print.ts';
import { readStream, stopOnSignal } from '../stream/sse.ts';

/** A delivery the platform hands over (GET /v1/listen/{id}/stream, event `delivery`). */
type Forwarded = Schema<'ForwardedDelivery'>;

/** The most of the local answer's body sent back; the platform keeps its own, smaller, limit. */
const MAX_BODY_BYTES = 64 * 1024;
const RECONNECT_MS = 1_000;

/** Why the local URL gave no answer, as POST /v1/listen/{id}/results takes it. */
type ReportedError = NonNullable<
  operations['reportListenResult']['requestBody']['content']['application/json']['error']
>;

function errorOf(err: unknown): ReportedError {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const code = e.cause?.code;
  if (e.name === 'TimeoutError')
    return { kind: 'timeout', message: 'the local server did not answer in time' };
  if (code === 'ECONNREFUSED')
    return { kind: 'connection_refused', message: 'connection refused: is the local server running?' };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
    return { kind: 'connection_reset', message: 'connection reset' };
  return { kind: 'network', message: e.cause?.message ?? e.message };
}

/** POSTs one delivery to the local URL with exactly the headers and body of a real delivery. */
async function forward(url: string, d: Forwarded, timeoutMs: number) {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      status_code: response.status,
      duration_ms: performance.now() - started,
      response_body_base64: bytes.subarray(0, MAX_BODY_BYTES).toString('base64'),
      response_truncated: bytes.length > MAX_BODY_BYTES,
      response_content_type: response.headers.get('content-type'),
      retry_after: response.headers.get('retry-after'),
      error: null,
    };
  } catch (err) {
    return { status_code: null, duration_ms: performance.now() - started, error: errorOf(err) };
  }
}

async function handle(
  api: Api,
  out: Output,
  endpointId: string,
  url: string,
  d: Forwarded,
  timeoutMs: number,
) {
  const answer = await forward(url, d, timeoutMs);
  const { error } = await api.POST('/v1/listen/{id}/results', {
    params: { path: { id: endpointId } },
    body: { delivery_id: d.delivery_id, attempt: d.attempt, ...answer },
  });
  const status = answer.status_code;
  const ok = status !== null && status >= 200 && status < 300;
  const shown = status !== null ? `[${status}]` : `[${answer.error?.kind}]`;
  out.line(
    {
      event: 'forwarded',
      delivery_id: d.delivery_id,
      event_id: d.event_id,
      event_type: d.event_type,
      attempt: d.attempt,
      status_code: status,
      duration_ms: Math.round(answer.duration_ms),
      error: answer.error,
      recorded: !error,
    },
    `${new Date().toISOString()}  --> ${d.event_type.padEnd(20)} ${d.event_id}  #${d.attempt}  ${out.paint(ok ? 'green' : 'red', shown)} ${Math.round(answer.duration_ms)} ms` +
      (error ? out.paint('yellow', '  (not recorded: it will be sent again)') : ''),
  );
}

export function listenCommand(program: Command): void {
  program
    .command('listen')
    .description(
      "forward the account's deliveries to a local URL (a machine the platform cannot reach): an ephemeral endpoint with its own signing secret, signed exactly as real deliveries, each answer recorded as the attempt",
    )
    .requiredOption('--forward-to <url>', 'the local URL, e.g. http://localhost:3000/webhooks')
    .option('--types <types>', 'event types to forward, comma-separated (default: all)', list)
    .option('--endpoint <id>', 'resume an earlier listen endpoint (same secret) instead of creating one')
    .action(async (o: { forwardTo: string; types?: string[]; endpoint?: string }, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      let target: URL;
      try {
        target = new URL(o.forwardTo);
      } catch {
        throw new CliError(
          `--forward-to is not a URL: ${o.forwardTo}`,
          EXIT.usage,
          'e.g. --forward-to http://localhost:3000/webhooks',
        );
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new CliError('--forward-to must be an http or https URL', EXIT.usage);
      }
      const settings = await ctx.settings();
      const api = await ctx.api();
      let endpointId = o.endpoint;
      if (!endpointId) {
        const created = await call(
          api.POST('/v1/listen', { body: { forward_to: target.href, event_types: o.types } }),
          'registering the listen endpoint',
        );
        endpointId = created.id;
        out.line(
          {
            event: 'ready',
            endpoint_id: created.id,
            secret: created.secret,
            event_types: created.event_types,
            forward_to: target.href,
          },
          [
            `Ready! Forwarding ${created.event_types.join(', ')} to ${target.href}`,
            `Your webhook signing secret is ${created.secret}`,
            `(endpoint ${created.id}; it expires a few minutes after you stop; resume with --endpoint ${created.id})`,
          ].join('\n'),
        );
      }
      const controller = new AbortController();
      stopOnSignal(controller);
      const inFlight = new Set<Promise<void>>();
      while (!controller.signal.aborted) {
        try {
          for await (const message of readStream(
            settings,
            `/v1/listen/${endpointId}/stream`,
            controller.signal,
          )) {
            if (message.event === 'ready') {
              const ready = JSON.parse(message.data) as Schema<'ListenReady'>;
              timeoutMs = Math.max(1_000, ready.answer_timeout_ms - 500);
              out.line(
                { event: 'connected', endpoint_id: endpointId },
                'Connected; waiting for deliveries (Ctrl-C to stop)…',
              );
            } else if (message.event === 'delivery') {
              const task = handle(
                api,
                out,
                endpointId,
                target.href,
                JSON.parse(message.data) as Forwarded,
                timeoutMs,
              )
                .catch((err) => out.note(`reporting a delivery failed: ${(err as Error).message}`))
                .finally(() => inFlight.delete(task));
              inFlight.add(task);
            }
          }
        } catch (err) {
          if (err instanceof CliError && err.code !== EXIT.unreachable) throw err;
          out.note(`stream interrupted (${(err as Error).message}); reconnecting…`);
        }
        if (!controller.signal.aborted) {
          out.note('stream closed; reconnecting…');
          await new Promise((r) => setTimeout(r, RECONNECT_MS));
        }
      }
      await Promise.allSettled(inFlight);
    });
}

let timeoutMs = 9_500;
