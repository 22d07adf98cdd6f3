import type { FastifySchema } from 'fastify';
import type { ErrorCode } from '../../errors/catalogue.ts';
import { allRequired } from './object-schema.ts';
import { problemResponses } from './problems.ts';

/** The API's tags, each with the description shown in the OpenAPI document. */
export const API_TAGS = {
  Accounts: 'Accounts and their notification settings (creation and erasure by the admin)',
  'API keys': "An account's API keys",
  Endpoints: 'Where deliveries go: URLs, event types, limits, signing secrets',
  Events: 'Publishing events and reading them back',
  Deliveries: 'Each delivery of an event to an endpoint, its attempts, and replays',
  'Event types': 'The event catalogue: types, JSON Schemas, examples, changelog',
  Listen: 'Deliveries forwarded to a developer machine through the bookflow CLI',
  'Live stream': "The account's deliveries and attempt results as server-sent events",
  Stats: 'Delivery health figures',
  Notifications: 'Where dead-letter and disabled-endpoint notices go',
  'Dashboard sessions': 'Signing in to the dashboard',
  Health: 'Liveness, readiness and metrics',
} as const;

export type ApiTag = keyof typeof API_TAGS;

type Auth = 'account' | 'admin' | 'public';

/** The answer when the route succeeds. `schema` and `example` document it; 204 has neither. */
export interface Success {
  status: 200 | 201 | 202 | 204;
  description: string;
  schema?: object;
  example?: unknown;
  /** The media type, when not JSON. */
  contentType?: string;
}

export interface OperationDoc {
  /** Unique, camelCase: client generators name their methods after it. */
  operationId: string;
  summary: string;
  description?: string;
  tag: ApiTag;
  auth: Auth;
  ok: Success;
  /** The problems this route gives besides those that follow from its auth, body and parameters. */
  problems?: ErrorCode[];
  body?: object;
  querystring?: object;
  params?: object;
  headers?: object;
}

/** Problems any route can give because of how it is called, before its own handler runs. */
function implicitProblems(doc: OperationDoc): ErrorCode[] {
  // Any request whose headers or URL are too large, or whose URL does not parse (a bad percent
  // escape), is refused before routing (body-parsing.ts).
  const codes: ErrorCode[] = ['headers_too_large', 'malformed_request'];
  if (doc.auth !== 'public') codes.push('unauthorized', 'rate_limited');
  if (doc.auth === 'admin') codes.push('admin_token_required');
  if (doc.body) {
    codes.push(
      'validation_failed',
      'malformed_json',
      'json_too_deep',
      'invalid_text',
      'payload_too_large',
      'unsupported_media_type',
    );
  }
  if (doc.querystring || doc.headers) codes.push('validation_failed');
  if (doc.params) codes.push('not_found', 'uri_too_long');
  return codes;
}

function successResponse(ok: Success): object {
  if (ok.status === 204) return { type: 'null', description: ok.description };
  const media: Record<string, unknown> = { schema: ok.schema ?? {} };
  if (ok.example !== undefined) media.example = ok.example;
  return { description: ok.description, content: { [ok.contentType ?? 'application/json']: media } };
}

/**
 * The schema of a route: its validation (body, querystring, params, headers, as given) and its
 * OpenAPI documentation (operationId, summary, tags, security, the success answer with an example,
 * and every problem+json answer it can give, from the error catalogue). Every route declares its
 * schema with this, so the served document stays lint-clean as routes are added.
 */
export function operation(doc: OperationDoc): FastifySchema {
  const schema: Record<string, unknown> = {
    operationId: doc.operationId,
    summary: doc.summary,
    tags: [doc.tag],
    security: doc.auth === 'account' ? [{ apiKey: [] }] : doc.auth === 'admin' ? [{ adminToken: [] }] : [],
    response: {
      [doc.ok.status]: successResponse(doc.ok),
      ...problemResponses([...implicitProblems(doc), ...(doc.problems ?? []), 'internal_error']),
    },
  };
  if (doc.description) schema.description = doc.description;
  if (doc.body) schema.body = doc.body;
  if (doc.querystring) schema.querystring = doc.querystring;
  if (doc.params) schema.params = doc.params;
  if (doc.headers) schema.headers = doc.headers;
  return schema as FastifySchema;
}

/** The `{id}` path parameter, documented; any string (an id of the wrong shape is simply not found). */
export function idParam(what: string, example: string): object {
  return allRequired({ id: { type: 'string', description: `The ${what}'s id`, examples: [example] } });
}

/** The request type of a route whose path has the `{id}` that `idParam` validates. */
export interface ById {
  Params: { id: string };
}

/** What every account route on one of its things shares: the tag, account auth and the `{id}`. */
export function itemRoute(tag: ApiTag, params: object) {
  return { tag, auth: 'account', params } as const;
}
