import type { components } from '@bookflow/api-types';
import type { Command } from 'commander';
import { type Api, call } from '../api/client.ts';
import { type Context, confirm, contextOf, list, showCommand } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { type Output, table } from '../output/print.ts';

type Endpoint = components['schemas']['Endpoint'];

async function allEndpoints(api: Api): Promise<Endpoint[]> {
  const rows: Endpoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      api.GET('/v1/endpoints', { params: { query: { limit: '250', cursor } } }),
      'listing endpoints',
    );
    rows.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return rows;
}

function describe(out: Output, e: Endpoint): string[] {
  const state = e.enabled
    ? out.paint('green', 'enabled')
    : out.paint('yellow', `disabled (${e.disabled_reason})`);
  return [
    `${e.id}  ${state}${e.kind === 'cli' ? '  (bookflow listen)' : ''}`,
    `  url          ${e.url}`,
    `  event types  ${e.event_types.join(', ')}`,
    ...(e.description ? [`  description  ${e.description}`] : []),
    ...(e.rate_limit !== null && e.rate_limit !== undefined ? [`  rate limit   ${e.rate_limit}/s`] : []),
    ...(e.max_concurrency !== null && e.max_concurrency !== undefined
      ? [`  concurrency  ${e.max_concurrency}`]
      : []),
    ...(e.failing_since ? [`  failing since ${e.failing_since}`] : []),
    ...(e.expires_at ? [`  expires      ${e.expires_at}`] : []),
    `  created      ${e.created_at}`,
  ];
}

function int(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new CliError(`${name} must be a whole number, got "${value}"`, EXIT.usage);
    return n;
  };
}

async function patch(ctx: Context, id: string, body: Record<string, unknown>, what: string): Promise<void> {
  const api = await ctx.api();
  const endpoint = await call(api.PATCH('/v1/endpoints/{id}', { params: { path: { id } }, body }), what);
  ctx.out.result(endpoint, () => describe(ctx.out, endpoint));
}

export function endpointsCommand(program: Command): void {
  const endpoints = program.command('endpoints').description('create, inspect and change endpoints');

  endpoints
    .command('list')
    .description("the account's endpoints, oldest first")
    .action(async (_o, command: Command) => {
      const ctx = contextOf(command);
      const rows = await allEndpoints(await ctx.api());
      ctx.out.result(rows, () =>
        rows.length === 0
          ? 'No endpoints yet: bookflow endpoints create --url https://… --types meeting.booked'
          : table(
              ['ID', 'STATE', 'KIND', 'TYPES', 'URL'],
              rows.map((e) => [
                e.id,
                e.enabled ? 'enabled' : `disabled (${e.disabled_reason})`,
                e.kind ?? 'http',
                e.event_types.join(','),
                e.url,
              ]),
            ),
      );
    });

  endpoints
    .command('create')
    .description('subscribe a URL to event types; prints its signing secret (shown only now)')
    .requiredOption('--url <url>', 'where deliveries are POSTed')
    .requiredOption(
      '--types <types>',
      'event types, comma-separated (bookflow events types lists them)',
      list,
    )
    .option('--description <text>')
    .option('--rate-limit <n>', 'requests per second (0: unlimited)', int('--rate-limit'))
    .option('--max-concurrency <n>', 'attempts in flight (0: unlimited)', int('--max-concurrency'))
    .action(
      async (
        o: {
          url: string;
          types: string[];
          description?: string;
          rateLimit?: number;
          maxConcurrency?: number;
        },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const api = await ctx.api();
        const created = await call(
          api.POST('/v1/endpoints', {
            body: {
              url: o.url,
              event_types: o.types,
              description: o.description,
              rate_limit: o.rateLimit,
              max_concurrency: o.maxConcurrency,
            },
          }),
          'creating the endpoint',
        );
        ctx.out.result(created, () => [
          ...describe(ctx.out, created),
          '',
          `Signing secret (shown once, keep it in your receiver's configuration):`,
          `  ${created.secret}`,
        ]);
      },
    );

  showCommand(endpoints, 'one endpoint', async (ctx, api, id) => {
    const endpoint = await call(
      api.GET('/v1/endpoints/{id}', { params: { path: { id } } }),
      'showing the endpoint',
    );
    ctx.out.result(endpoint, () => describe(ctx.out, endpoint));
  });

  endpoints
    .command('update <id>')
    .description('change the URL, event types, description or limits')
    .option('--url <url>')
    .option('--types <types>', 'event types, comma-separated (replaces the list)', list)
    .option('--description <text>')
    .option('--rate-limit <n>', 'requests per second (0: unlimited)', int('--rate-limit'))
    .option('--max-concurrency <n>', 'attempts in flight (0: unlimited)', int('--max-concurrency'))
    .action(
      async (
        id: string,
        o: {
          url?: string;
          types?: string[];
          description?: string;
          rateLimit?: number;
          maxConcurrency?: number;
        },
        command: Command,
      ) => {
        const body = {
          url: o.url,
          event_types: o.types,
          description: o.description,
          rate_limit: o.rateLimit,
          max_concurrency: o.maxConcurrency,
        };
        if (Object.values(body).every((v) => v === undefined)) {
          throw new CliError(
            'nothing to change',
            EXIT.usage,
            'give --url, --types, --description, --rate-limit or --max-concurrency',
          );
        }
        await patch(contextOf(command), id, body, 'updating the endpoint');
      },
    );

  endpoints
    .command('disable <id>')
    .description('hold its deliveries (nothing is lost) until it is enabled')
    .action(async (id: string, _o, command: Command) =>
      patch(contextOf(command), id, { enabled: false }, 'disabling the endpoint'),
    );

  endpoints
    .command('enable <id>')
    .description('release its held deliveries, in order')
    .action(async (id: string, _o, command: Command) =>
      patch(contextOf(command), id, { enabled: true }, 'enabling the endpoint'),
    );

  endpoints
    .command('rotate-secret <id>')
    .description('a new signing secret; the old one keeps signing beside it during the overlap')
    .option(
      '--overlap <seconds>',
      'how long the previous secret keeps signing (default: the platform default, 24 h)',
      int('--overlap'),
    )
    .action(async (id: string, o: { overlap?: number }, command: Command) => {
      const ctx = contextOf(command);
      const api = await ctx.api();
      const rotated = await call(
        api.POST('/v1/endpoints/{id}/rotate-secret', {
          params: { path: { id } },
          body: o.overlap === undefined ? {} : { overlap_seconds: o.overlap },
        }),
        'rotating the secret',
      );
      ctx.out.result(rotated, () => [
        `New signing secret for ${id} (shown once):`,
        `  ${rotated.secret}`,
        `The previous secret keeps signing until ${rotated.previous_secret_expires_at}.`,
      ]);
    });

  endpoints
    .command('delete <id>')
    .description('remove it; its waiting deliveries end as dead (endpoint_deleted)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (id: string, o: { yes?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      if (!(await confirm(`Delete endpoint ${id}? Its waiting deliveries end as dead.`, o.yes))) {
        throw new CliError('not deleted', EXIT.aborted, 'confirm with --yes');
      }
      const api = await ctx.api();
      await call(api.DELETE('/v1/endpoints/{id}', { params: { path: { id } } }), 'deleting the endpoint');
      ctx.out.result({ id, deleted: true }, () => `Deleted ${id}.`);
    });

  endpoints
    .command('test <id>')
    .description('send a test delivery of one event type to the endpoint, and print its result')
    .requiredOption('--type <type>', 'the event type (its catalogue example is sent)')
    .action(async (id: string, o: { type: string }, command: Command) => {
      const ctx = contextOf(command);
      const api = await ctx.api();
      const sent = await call(
        api.POST('/v1/endpoints/{id}/test', { params: { path: { id } }, body: { type: o.type } }),
        'sending the test event',
      );
      ctx.out.result(
        sent,
        () => `Test ${o.type} queued for ${id}: bookflow deliveries show ${sent.delivery_id}`,
      );
    });
}
