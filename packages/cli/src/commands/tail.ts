import type { Schema } from '@bookflow/api-types';
import type { Command } from 'commander';
import { contextOf } from '../context.ts';
import { CliError } from '../errors.ts';
import { statusStyle } from '../output/print.ts';
import { readStream, stopOnSignal } from '../stream/sse.ts';

/** The `data` of GET /v1/stream's events, as the OpenAPI document describes them. */
type DeliveryCreated = Schema<'DeliveryCreated'>;
type AttemptFinished = Schema<'AttemptFinished'>;

/** Waits before reconnecting after the stream dropped; Last-Event-ID makes the platform resend what was missed. */
const RECONNECT_MS = 1_000;

export function tailCommand(program: Command): void {
  program
    .command('tail')
    .description(
      "the account's deliveries and attempt results as they happen (the live stream GET /v1/stream)",
    )
    .option('--type <type>', 'only this event type')
    .option('--endpoint <id>', 'only this endpoint')
    .option(
      '--status <status>',
      'only deliveries in this status (pending, delivering, succeeded, dead, held)',
    )
    .action(async (o: { type?: string; endpoint?: string; status?: string }, command: Command) => {
      const ctx = contextOf(command);
      const settings = await ctx.settings();
      const query = new URLSearchParams();
      if (o.type) query.set('event_type', o.type);
      if (o.endpoint) query.set('endpoint_id', o.endpoint);
      if (o.status) query.set('status', o.status);
      const path = `/v1/stream${query.size > 0 ? `?${query}` : ''}`;
      const controller = new AbortController();
      stopOnSignal(controller);
      const { out } = ctx;
      let lastId: string | undefined;
      let announced = false;
      while (!controller.signal.aborted) {
        try {
          if (!announced) out.note(`Tailing ${settings.apiUrl} (Ctrl-C to stop)…`);
          announced = true;
          for await (const message of readStream(settings, path, controller.signal, lastId)) {
            lastId = message.id ?? lastId;
            if (message.event === 'delivery.created') {
              const d = JSON.parse(message.data) as DeliveryCreated;
              out.line(
                { event: message.event, ...d },
                `${d.created_at}  ${out.paint('cyan', 'new      ')}  ${d.event_type.padEnd(20)} ${d.delivery_id}  → ${d.endpoint_id}${d.trigger === 'manual' ? '  (replay)' : ''}`,
              );
            } else if (message.event === 'attempt.finished') {
              const a = JSON.parse(message.data) as AttemptFinished;
              const answer = a.status_code !== null ? `HTTP ${a.status_code}` : (a.error_kind ?? 'failed');
              out.line(
                { event: message.event, ...a },
                `${a.started_at}  ${out.paint(statusStyle(a.outcome), a.outcome.padEnd(9))}  ${a.event_type.padEnd(20)} ${a.delivery_id}  #${a.attempt} ${out.paint(statusStyle(a.status_code ?? 'failed'), answer)} ${a.duration_ms} ms${a.status === 'dead' ? out.paint('red', '  dead letter') : ''}`,
              );
            }
          }
        } catch (err) {
          if (err instanceof CliError && err.code !== 5) throw err;
          out.note(`stream interrupted (${(err as Error).message}); reconnecting…`);
        }
        if (!controller.signal.aborted) await new Promise((r) => setTimeout(r, RECONNECT_MS));
      }
    });
}
