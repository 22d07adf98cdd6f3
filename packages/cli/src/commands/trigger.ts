import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { type Api, call } from '../api/client.ts';
import { contextOf } from '../context.ts';
import { statusStyle } from '../output/print.ts';
import { exampleData, publish } from './events.ts';

const FINISHED = new Set(['succeeded', 'dead', 'held']);

/** Polls the event's deliveries, printing each once it is finished, until all are or `waitMs` passes. */
async function followEvent(
  api: Api,
  eventId: string,
  waitMs: number,
  print: (d: Record<string, unknown>) => void,
) {
  const shown = new Set<string>();
  const end = Date.now() + waitMs;
  for (;;) {
    const { data } = await call(
      api.GET('/v1/events/{id}/deliveries', { params: { path: { id: eventId } } }),
      'following the deliveries',
    );
    for (const d of data) {
      if (FINISHED.has(d.status) && !shown.has(d.id)) {
        shown.add(d.id);
        print(d as unknown as Record<string, unknown>);
      }
    }
    if (data.every((d) => FINISHED.has(d.status)) || Date.now() > end) return data;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function triggerCommand(program: Command): void {
  program
    .command('trigger <type>')
    .description(
      "publish the catalogue's example of a type and print each delivery's result as it arrives; with a test key (bfk_test_…) it goes to the account's test mode",
    )
    .option('--wait <seconds>', 'how long to follow the deliveries', '30')
    .action(async (type: string, o: { wait: string }, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      const settings = await ctx.settings();
      const api = await ctx.api();
      if (!settings.apiKey.startsWith('bfk_test_')) {
        out.note(
          'This is a live API key: trigger publishes a real event to every live endpoint subscribed to the type. Use a test key (bfk_test_…) to send to test mode.',
        );
      }
      const id = await publish(api, type, await exampleData(api, type), randomUUID());
      out.note(`Published ${type} ${id}; waiting for its deliveries…`);
      const deliveries = await followEvent(api, id, Number(o.wait) * 1000, (d) =>
        out.line(
          { event: 'delivery', ...d },
          `  ${d.endpoint_id}  ${out.paint(statusStyle(d.status as string), d.status as string)}` +
            (d.last_status_code ? `  HTTP ${d.last_status_code}` : '') +
            (d.last_error ? `  ${d.last_error}` : ''),
        ),
      );
      if (deliveries.length === 0) out.note('No endpoint is subscribed to this type: nothing was delivered.');
    });
}
