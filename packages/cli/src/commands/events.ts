import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type Api, call } from '../api/client.ts';
import { contextOf, showCommand } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { statusStyle, table } from '../output/print.ts';

/** The catalogue's example `data` for a type (GET /v1/event-types), or a usage error naming the types. */
export async function exampleData(api: Api, type: string): Promise<Record<string, unknown>> {
  const catalogue = await call(api.GET('/v1/event-types'), 'reading the event catalogue');
  const entry = catalogue.data.find((t) => t.type === type);
  if (!entry) {
    throw new CliError(
      `"${type}" is not an event type`,
      EXIT.usage,
      `known: ${catalogue.data.map((t) => t.type).join(', ')}`,
    );
  }
  return entry.example as Record<string, unknown>;
}

/** `--data @file.json`, `--data -` (stdin) or `--data '{…}'`. */
async function readData(value: string): Promise<Record<string, unknown>> {
  let text = value;
  try {
    if (value === '-') text = readFileSync(0, 'utf8');
    else if (value.startsWith('@')) text = await readFile(value.slice(1), 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${value.slice(1) || 'stdin'}: ${(err as Error).message}`, EXIT.usage);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(
      `--data is not valid JSON: ${(err as Error).message}`,
      EXIT.usage,
      'give a JSON object, @file.json, or --example',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError("--data must be a JSON object (the event's data)", EXIT.usage);
  }
  return parsed as Record<string, unknown>;
}

export async function publish(
  api: Api,
  type: string,
  data: Record<string, unknown>,
  idempotencyKey: string,
): Promise<string> {
  const sent = await call(
    api.POST('/v1/events', {
      body: { type, data },
      params: { header: { 'idempotency-key': idempotencyKey } },
    }),
    'publishing the event',
  );
  return sent.id;
}

export function eventsCommand(program: Command): void {
  const events = program.command('events').description('publish events and look at them');

  events
    .command('send <type>')
    .description(
      'publish an event: its data from --data (JSON, @file.json, or - for stdin) or the catalogue example',
    )
    .option('--data <json>', 'the event data: JSON, @file.json, or - (stdin)')
    .option('--example', "send the catalogue's example data for the type")
    .option(
      '--idempotency-key <key>',
      'a repeat with the same key returns the first answer (default: a new key)',
    )
    .action(
      async (
        type: string,
        o: { data?: string; example?: boolean; idempotencyKey?: string },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        if (Boolean(o.data) === Boolean(o.example)) {
          throw new CliError(
            'give exactly one of --data and --example',
            EXIT.usage,
            `e.g. bookflow events send ${type} --example`,
          );
        }
        const api = await ctx.api();
        const data = o.data ? await readData(o.data) : await exampleData(api, type);
        const id = await publish(api, type, data, o.idempotencyKey ?? randomUUID());
        ctx.out.result({ id, type }, () => `Published ${type} ${id}\n  bookflow events show ${id}`);
      },
    );

  events
    .command('types')
    .description('the event catalogue: every type with its description')
    .action(async (_o, command: Command) => {
      const ctx = contextOf(command);
      const catalogue = await call((await ctx.api()).GET('/v1/event-types'), 'reading the event catalogue');
      ctx.out.result(catalogue, () =>
        table(
          ['TYPE', 'DESCRIPTION'],
          catalogue.data.map((t) => [t.type, t.description]),
        ),
      );
    });

  events
    .command('list')
    .description('events, newest first')
    .option('--type <type>', 'only this event type')
    .option('--since <time>', 'accepted at or after (ISO 8601)')
    .option('--until <time>', 'accepted before (ISO 8601)')
    .option('--limit <n>', 'how many (1-250)', '50')
    .action(async (o: { type?: string; since?: string; until?: string; limit: string }, command: Command) => {
      const ctx = contextOf(command);
      const page = await call(
        (await ctx.api()).GET('/v1/events', {
          params: { query: { type: o.type as never, since: o.since, until: o.until, limit: o.limit } },
        }),
        'listing events',
      );
      ctx.out.result(page, () =>
        page.data.length === 0
          ? 'No events.'
          : table(
              ['ID', 'TYPE', 'ACCEPTED'],
              page.data.map((e) => [e.id, e.type, e.created_at + (e.erased_at ? ' (erased)' : '')]),
            ),
      );
    });

  showCommand(events, 'an event with its deliveries and their latest attempts', async (ctx, api, id) => {
    const event = await call(api.GET('/v1/events/{id}', { params: { path: { id } } }), 'showing the event');
    const deliveries = await call(
      api.GET('/v1/events/{id}/deliveries', { params: { path: { id } } }),
      "listing the event's deliveries",
    );
    ctx.out.result({ ...event, deliveries: deliveries.data }, () => [
      `${event.type} ${event.id}  accepted ${event.created_at}  schema ${event.schema_version}`,
      JSON.stringify(event.data, null, 2),
      '',
      deliveries.data.length === 0 ? 'No deliveries (no endpoint subscribed to this type).' : 'Deliveries:',
      ...deliveries.data.map(
        (d) =>
          `  ${d.id}  ${ctx.out.paint(statusStyle(d.status), d.status)}  endpoint ${d.endpoint_id}  attempts ${d.attempt_count}` +
          (d.last_status_code ? `  last HTTP ${d.last_status_code}` : '') +
          (d.last_error ? `  ${d.last_error}` : ''),
      ),
    ]);
  });
}
