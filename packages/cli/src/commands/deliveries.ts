import type { components, operations } from '@bookflow/api-types';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type Api, call, problemError } from '../api/client.ts';
import { confirm, contextOf, showCommand } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { type Output, statusStyle, table } from '../output/print.ts';

type Delivery = components['schemas']['Delivery'];
type Query = NonNullable<operations['listDeliveries']['parameters']['query']>;
type Filter = Pick<Query, 'status' | 'endpoint_id' | 'event_type' | 'since' | 'until'>;

interface FilterOptions {
  status?: string;
  endpoint?: string;
  type?: string;
  since?: string;
  until?: string;
}

function filterOf(o: FilterOptions): Filter {
  return {
    status: o.status as Filter['status'],
    endpoint_id: o.endpoint,
    event_type: o.type as Filter['event_type'],
    since: o.since,
    until: o.until,
  };
}

function withFilters(command: Command): Command {
  return command
    .option('--status <status>', 'pending, delivering, succeeded, dead or held')
    .option('--endpoint <id>', 'only deliveries to this endpoint')
    .option('--type <type>', 'only this event type')
    .option('--since <time>', 'events accepted at or after (ISO 8601)')
    .option('--until <time>', 'events accepted before (ISO 8601)');
}

/** Every delivery the filter matches, page by page (for the count a bulk replay confirms). */
async function countMatching(api: Api, filter: Filter): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await call(
      api.GET('/v1/deliveries', { params: { query: { ...filter, limit: '250', cursor } } }),
      'counting deliveries',
    );
    count += page.data.length;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return count;
}

function row(out: Output, d: Delivery): string[] {
  return [
    d.id,
    out.paint(statusStyle(d.status), d.status),
    d.event_type,
    d.endpoint_id,
    String(d.attempt_count),
    d.last_status_code ? String(d.last_status_code) : (d.last_error ?? ''),
  ];
}

export function deliveriesCommand(program: Command): void {
  const deliveries = program.command('deliveries').description('deliveries, their attempts, and replays');

  withFilters(deliveries.command('list').description('deliveries, newest first'))
    .option('--limit <n>', 'how many (1-250)', '50')
    .action(async (o: FilterOptions & { limit: string }, command: Command) => {
      const ctx = contextOf(command);
      const page = await call(
        (await ctx.api()).GET('/v1/deliveries', { params: { query: { ...filterOf(o), limit: o.limit } } }),
        'listing deliveries',
      );
      ctx.out.result(page, () =>
        page.data.length === 0
          ? 'No deliveries match.'
          : table(
              ['ID', 'STATUS', 'TYPE', 'ENDPOINT', 'ATTEMPTS', 'LAST'],
              page.data.map((d) => row(ctx.out, d)),
            ),
      );
    });

  showCommand(
    deliveries,
    'a delivery with every attempt: status code, duration, response body, error',
    async (ctx, api, id) => {
      const d = await call(
        api.GET('/v1/deliveries/{id}', { params: { path: { id } } }),
        'showing the delivery',
      );
      ctx.out.result(d, () => [
        `${d.id}  ${ctx.out.paint(statusStyle(d.status), d.status)}${d.dead_reason ? ` (${d.dead_reason})` : ''}`,
        `  event     ${d.event_type} ${d.event_id}`,
        `  endpoint  ${d.endpoint_id}`,
        ...(d.next_attempt_at ? [`  next      ${d.next_attempt_at}`] : []),
        `  attempts  ${d.attempts_total}`,
        ...d.attempts.map(
          (a) =>
            `    #${a.series}.${a.attempt} ${a.trigger} ${a.started_at}  ` +
            ctx.out.paint(
              statusStyle(a.status_code ?? 'failed'),
              a.status_code ? `HTTP ${a.status_code}` : (a.error_kind ?? 'failed'),
            ) +
            `  ${a.duration_ms} ms` +
            (a.error ? `  ${a.error}` : '') +
            (a.response_body ? `\n      ${a.response_body.slice(0, 200).replaceAll('\n', ' ')}` : ''),
        ),
      ]);
    },
  );

  withFilters(
    deliveries
      .command('replay [id]')
      .description(
        'replay one delivery by id, or in bulk every one the filters match (default --status dead): counts them, asks, then shows progress',
      ),
  )
    .option('-y, --yes', 'replay without asking (required when not on a terminal)')
    .option('--wait', 'after queuing, follow the replayed deliveries until each succeeded or is dead again')
    .action(
      async (
        id: string | undefined,
        o: FilterOptions & { yes?: boolean; wait?: boolean },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const api = await ctx.api();
        if (id) {
          const queued = await call(
            api.POST('/v1/deliveries/{id}/replay', { params: { path: { id } } }),
            'replaying the delivery',
          );
          ctx.out.result(queued, () => `Replay of ${id} queued: bookflow deliveries show ${id}`);
          return;
        }
        const status = o.status ?? 'dead';
        if (status !== 'dead' && status !== 'succeeded') {
          throw new CliError('bulk replay takes --status dead or --status succeeded', EXIT.usage);
        }
        const filter = { ...filterOf(o), status } as Filter & { status: 'dead' | 'succeeded' };
        const total = await countMatching(api, filter);
        if (total === 0) {
          ctx.out.result({ matched: 0, queued: 0 }, () => 'No deliveries match: nothing to replay.');
          return;
        }
        ctx.out.note(`${total} ${status} deliveries match.`);
        if (!(await confirm(`Replay ${total} deliveries?`, o.yes))) {
          throw new CliError(`nothing replayed (${total} match)`, EXIT.aborted, 'confirm with --yes');
        }
        const queued = await replayAll(api, filter, total);
        const result: Record<string, number> = { matched: total, queued };
        if (o.wait) Object.assign(result, await follow(api, filter, queued));
        ctx.out.result(
          result,
          () =>
            `Queued ${queued} replays.` +
            (o.wait
              ? ` ${result.succeeded} succeeded, ${result.dead} dead again.`
              : ' bookflow deliveries list --status pending follows them.'),
        );
      },
    );
}

function progressBar(label: string, total: number): SingleBar {
  // On a terminal it redraws in place; otherwise (CI, a pipe) it prints a line per update.
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total}`,
    stream: process.stderr,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 250,
    hideCursor: true,
  });
  bar.start(total, 0);
  return bar;
}

/** Calls the bulk replay until it says nothing more matches, waiting out its per-minute limit. */
async function replayAll(
  api: Api,
  filter: Filter & { status: 'dead' | 'succeeded' },
  total: number,
): Promise<number> {
  const bar = progressBar('Queuing   ', total);
  let queued = 0;
  try {
    for (;;) {
      const { data, error, response } = await api.POST('/v1/deliveries/replay', { body: filter });
      if (response.status === 429) {
        const wait = Number(response.headers.get('retry-after') ?? '5');
        await new Promise((r) => setTimeout(r, Math.max(1, wait) * 1000));
        continue;
      }
      if (!data) throw problemError(response.status, error as { detail?: string }, 'replaying deliveries');
      queued += data.queued;
      bar.update(Math.min(queued, total));
      if (!data.has_more || data.queued === 0) break;
    }
  } finally {
    bar.update(Math.min(queued, total));
    bar.stop();
  }
  return queued;
}

/** Follows the replayed deliveries: done when none of them is pending or being attempted. */
async function follow(api: Api, filter: Filter, queued: number) {
  const bar = progressBar('Delivering', queued);
  const base = { ...filter, status: undefined };
  try {
    for (;;) {
      const waiting =
        (await countMatching(api, { ...base, status: 'pending' })) +
        (await countMatching(api, { ...base, status: 'delivering' }));
      bar.update(Math.max(0, queued - waiting));
      if (waiting === 0) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  } finally {
    bar.stop();
  }
  return {
    succeeded: await countMatching(api, { ...base, status: 'succeeded' }),
    dead: await countMatching(api, { ...base, status: 'dead' }),
  };
}
