// Every route of the API, read from the OpenAPI document the platform generates from its route
// schemas, with a request for each built from its schema: a route added later is called by the
// mode isolation test without anyone listing it there.

import { SCHEMA_VERSION, sampleData } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface Route {
  method: Method;
  /** OpenAPI form: /v1/endpoints/{id}. */
  path: string;
  body?: JsonSchema;
  query?: JsonSchema;
  /** The path parameters' schemas, by name. */
  params: Record<string, JsonSchema>;
  /** It answers server-sent events (text/event-stream): it stays open instead of answering once. */
  eventStream: boolean;
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  minLength?: number;
  minimum?: number;
  minProperties?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  pattern?: string;
}

/** The ids of one mode's rows that a request may name. */
export interface ModeIds {
  accountId: string;
  endpoint: string;
  event: string;
  delivery: string;
  key: string;
}

export function listRoutes(app: FastifyInstance): Route[] {
  const doc = app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const requestBody = operation.requestBody as
        | { content?: Record<string, { schema?: JsonSchema }> }
        | undefined;
      const parameters = (operation.parameters ?? []) as Array<{
        in: string;
        name: string;
        schema: JsonSchema;
      }>;
      const queryParams = parameters.filter((p) => p.in === 'query');
      const responses = (operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
      routes.push({
        method: method.toUpperCase() as Method,
        path,
        body: requestBody?.content?.['application/json']?.schema,
        query: queryParams.length
          ? { type: 'object', properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema])) }
          : undefined,
        params: Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, p.schema])),
        eventStream: Object.values(responses).some((r) => r.content?.['text/event-stream'] !== undefined),
      });
    }
  }
  return routes;
}

/** Which id a path parameter names, from the collection before it (/v1/endpoints/{id}). */
const ID_OF_COLLECTION: Record<string, keyof ModeIds> = {
  endpoints: 'endpoint',
  events: 'event',
  deliveries: 'delivery',
  'api-keys': 'key',
  accounts: 'accountId',
  // `bookflow listen` names its endpoint (of kind 'cli'): another mode's endpoint is not found either.
  listen: 'endpoint',
};

/** The URL of `route` naming the given ids; throws for a parameter it cannot place. */
export function urlNaming(route: Route, ids: ModeIds): string {
  const segments = route.path.split('/');
  return segments
    .map((segment, i) => {
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      if (!param) return segment;
      // A parameter that picks one of a few names (a notification channel) names no row.
      const choices = route.params[param]?.enum;
      if (choices) return String(choices[0]);
      const kind = ID_OF_COLLECTION[segments[i - 1] ?? ''];
      if (!kind)
        throw new Error(`${route.method} ${route.path}: say in ID_OF_COLLECTION which id ${segment} is`);
      return ids[kind];
    })
    .join('/');
}

/** The route names a row by id in its path (so another mode's id must answer 404). */
export const hasPathId = (route: Route) =>
  route.path
    .split('/')
    .some((segment) => /^\{(.+)\}$/.test(segment) && !route.params[segment.slice(1, -1)]?.enum);

/** Values that make a request valid past the schema; the rest is derived from the schema. */
function known(ids: ModeIds): Record<string, unknown> {
  return {
    type: 'meeting.booked',
    event_types: ['meeting.booked'],
    url: 'https://example.com/hook',
    confirm: 'acct_not_the_account',
    version: SCHEMA_VERSION,
    data: sampleData('meeting.booked', { seed: 1 }),
    // Filters that name another mode's rows must find nothing.
    endpoint_id: ids.endpoint,
    event_id: ids.event,
    delivery_id: ids.delivery,
  };
}

/** Filters are optional, but a request that names the other mode's rows is what is worth sending. */
const FILL_WHEN_OPTIONAL = ['endpoint_id', 'event_id', 'delivery_id'];

function example(schema: JsonSchema | undefined, name: string, ids: ModeIds): unknown {
  const values = known(ids);
  if (name in values) return values[name];
  if (!schema) return undefined;
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const props = schema.properties ?? {};
      const keys = Object.keys(props).filter(
        (k) => (schema.required ?? []).includes(k) || FILL_WHEN_OPTIONAL.includes(k),
      );
      // A patch needs at least one field: take the first ones the schema lists.
      for (const k of Object.keys(props)) {
        if (keys.length >= (schema.minProperties ?? 0)) break;
        if (!keys.includes(k)) keys.push(k);
      }
      return Object.fromEntries(keys.map((k) => [k, example(props[k], k, ids)]));
    }
    case 'array':
      return [example(schema.items, name, ids)];
    case 'string':
      return schema.format === 'uri'
        ? 'https://example.com/x'
        : 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return undefined;
  }
}

/** A request for `route` that passes its schema, naming `ids` wherever it names rows. */
export function requestFor(route: Route, ids: ModeIds): { url: string; body?: unknown } {
  let url = urlNaming(route, ids);
  const query = example(route.query, '', ids) as Record<string, unknown> | undefined;
  if (query && Object.keys(query).length > 0) {
    url += `?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`;
  }
  const body = route.body ? example(route.body, '', ids) : undefined;
  return body === undefined ? { url } : { url, body };
}
