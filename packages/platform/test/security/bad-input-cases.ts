// The table of bad requests for bad-input.test.ts: one row per route and kind of bad input,
// with the status and catalogue code each must get.

import { fieldTextProblem } from '../../src/db/text-checks.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export interface Case {
  name: string;
  method: Method;
  url: string;
  key: 'account' | 'admin' | 'none' | 'wrong';
  body?: string;
  contentType?: string;
  status: number;
  code: string;
}

const deep = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const INJECTIONS = [
  "'; drop table events; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style string, sent as data on purpose
  '${jndi:ldap://x}',
  '\u0000\u202e',
  '🙂'.repeat(50),
];

export function badInputCases(ids: { endpointId: string; eventId: string; deliveryId: string }): Case[] {
  const { endpointId, eventId, deliveryId } = ids;
  const json = 'application/json';
  const routesWithBodies: Array<[Method, string]> = [
    ['POST', '/v1/events'],
    ['POST', '/v1/endpoints'],
    ['PATCH', `/v1/endpoints/${endpointId}`],
    ['POST', '/v1/deliveries/replay'],
    ['POST', '/v1/api-keys'],
    ['PATCH', '/v1/account'],
    ['POST', `/v1/endpoints/${endpointId}/rotate-secret`],
  ];
  const all: Case[] = [];
  for (const [method, url] of routesWithBodies) {
    all.push(
      {
        name: 'malformed JSON',
        method,
        url,
        key: 'account',
        body: '{"url": ',
        contentType: json,
        status: 400,
        code: 'malformed_json',
      },
      {
        name: 'JSON too deep',
        method,
        url,
        key: 'account',
        body: deep(40),
        contentType: json,
        status: 400,
        code: 'json_too_deep',
      },
      {
        name: 'form content type',
        method,
        url,
        key: 'account',
        body: 'a=1',
        contentType: 'application/x-www-form-urlencoded',
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'text/plain',
        method,
        url,
        key: 'account',
        body: '{}',
        contentType: 'text/plain',
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'oversize body',
        method,
        url,
        key: 'account',
        body: JSON.stringify({ x: 'y'.repeat(40 * 1024) }),
        contentType: json,
        status: 413,
        code: 'payload_too_large',
      },
      {
        name: 'an array body',
        method,
        url,
        key: 'account',
        body: '[1,2]',
        contentType: json,
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'no credentials',
        method,
        url,
        key: 'none',
        body: '{}',
        contentType: json,
        status: 401,
        code: 'unauthorized',
      },
      {
        name: 'a wrong key',
        method,
        url,
        key: 'wrong',
        body: '{}',
        contentType: json,
        status: 401,
        code: 'unauthorized',
      },
      {
        name: 'proto pollution',
        method,
        url,
        key: 'account',
        body: '{"__proto__": {"admin": true}}',
        contentType: json,
        status: 400,
        code: 'malformed_json',
      },
    );
  }
  const getRoutes = [
    '/v1/endpoints',
    `/v1/endpoints/${endpointId}`,
    `/v1/events/${eventId}`,
    `/v1/events/${eventId}/deliveries`,
    '/v1/deliveries',
    `/v1/deliveries/${deliveryId}`,
    '/v1/api-keys',
    '/v1/account',
  ];
  for (const url of getRoutes) {
    all.push({
      name: 'no credentials',
      method: 'GET',
      url,
      key: 'none',
      status: 401,
      code: 'unauthorized',
    });
    all.push({ name: 'a wrong key', method: 'GET', url, key: 'wrong', status: 401, code: 'unauthorized' });
  }
  for (const value of INJECTIONS) {
    const e = encodeURIComponent(value);
    // Text that cannot be stored as sent (a NUL here) is refused as such before any other check.
    const unstorable = fieldTextProblem(value) !== null;
    all.push(
      {
        name: `injection in event type ${JSON.stringify(value)}`,
        method: 'POST',
        url: '/v1/events',
        key: 'account',
        body: JSON.stringify({ type: value, data: {} }),
        contentType: json,
        status: unstorable ? 400 : 422,
        code: unstorable ? 'invalid_text' : 'unknown_event_type',
      },
      {
        name: `injection in endpoint URL ${JSON.stringify(value)}`,
        method: 'POST',
        url: '/v1/endpoints',
        key: 'account',
        body: JSON.stringify({ url: value, event_types: ['meeting.booked'] }),
        contentType: json,
        status: unstorable ? 400 : 422,
        code: unstorable ? 'invalid_text' : 'invalid_url',
      },
      {
        name: `injection in an id ${JSON.stringify(value)}`,
        method: 'GET',
        url: `/v1/endpoints/${e}`,
        key: 'account',
        status: 404,
        code: 'not_found',
      },
      {
        name: `injection in an event id ${JSON.stringify(value)}`,
        method: 'GET',
        url: `/v1/events/${e}`,
        key: 'account',
        status: 404,
        code: 'not_found',
      },
      {
        name: `injection in a filter ${JSON.stringify(value)}`,
        method: 'GET',
        url: `/v1/deliveries?endpoint_id=x&event_type=${e}`,
        key: 'account',
        status: 400,
        code: 'validation_failed',
      },
    );
  }
  all.push(
    {
      name: 'wrong types in an endpoint',
      method: 'POST',
      url: '/v1/endpoints',
      key: 'account',
      body: JSON.stringify({ url: 5, event_types: [1] }),
      contentType: json,
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'unknown field on PATCH',
      method: 'PATCH',
      url: `/v1/endpoints/${endpointId}`,
      key: 'account',
      body: JSON.stringify({ secret: 'whsec_x' }),
      contentType: json,
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'empty PATCH',
      method: 'PATCH',
      url: `/v1/endpoints/${endpointId}`,
      key: 'account',
      body: '{}',
      contentType: json,
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'bad status filter',
      method: 'GET',
      url: '/v1/deliveries?status=lost',
      key: 'account',
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'bad date filter',
      method: 'GET',
      url: '/v1/deliveries?since=yesterday',
      key: 'account',
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'limit out of range',
      method: 'GET',
      url: '/v1/deliveries?limit=100000',
      key: 'account',
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'forged cursor',
      method: 'GET',
      url: '/v1/deliveries?cursor=bm9wZQ',
      key: 'account',
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'a cursor whose id is not a delivery id',
      method: 'GET',
      url: `/v1/deliveries?cursor=${Buffer.from('2026-01-01T00:00:00.000Z|xyz').toString('base64url')}`,
      key: 'account',
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'a cursor in year 0',
      method: 'GET',
      url: `/v1/deliveries?cursor=${Buffer.from(`0000-01-01T00:00:00.000Z|${deliveryId}`).toString('base64url')}`,
      key: 'account',
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'a since filter that is year 0 in UTC',
      method: 'POST',
      url: '/v1/deliveries/replay',
      key: 'account',
      body: JSON.stringify({ since: '0001-01-01T00:30:00+01:00' }),
      contentType: json,
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'bulk replay of pending',
      method: 'POST',
      url: '/v1/deliveries/replay',
      key: 'account',
      body: JSON.stringify({ status: 'pending' }),
      contentType: json,
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'rotation overlap too long',
      method: 'POST',
      url: `/v1/endpoints/${endpointId}/rotate-secret`,
      key: 'account',
      body: JSON.stringify({ overlap_seconds: 99999999 }),
      contentType: json,
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'account creation with an API key',
      method: 'POST',
      url: '/v1/accounts',
      key: 'account',
      body: '{"name":"x"}',
      contentType: json,
      status: 403,
      code: 'admin_token_required',
    },
    {
      name: 'account with a bad Slack URL',
      method: 'POST',
      url: '/v1/accounts',
      key: 'admin',
      body: '{"name":"x","slack_webhook_url":"javascript:alert(1)"}',
      contentType: json,
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'an unknown route',
      method: 'GET',
      url: '/v1/secrets',
      key: 'account',
      status: 404,
      code: 'route_not_found',
    },
    {
      name: 'replay of an unknown delivery',
      method: 'POST',
      url: '/v1/deliveries/not-a-uuid/replay',
      key: 'account',
      status: 404,
      code: 'not_found',
    },
    {
      name: 'a very long id',
      method: 'GET',
      url: `/v1/endpoints/${'a'.repeat(500)}`,
      key: 'account',
      status: 414,
      code: 'uri_too_long',
    },
  );
  return all;
}
