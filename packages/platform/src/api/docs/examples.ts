/**
 * The examples the API reference shows for the shared shapes of schemas.ts: one account, endpoint,
 * event and delivery, with ids that agree across every example.
 */
const ENDPOINT_ID = 'ep_2J8kYq3xVd0Lm4NbQ1rT';
const DELIVERY_ID = '0b9a6f5e-41c2-4d1e-9a7b-3c5d2e1f0a98';
const EVENT_ID = '7d3f1c2a-9b8e-4f6d-a5c4-1e2d3c4b5a69';
const ACCOUNT_ID = 'acct_4Hq9Zr2mWx7Kp1Ls';

export const EXAMPLE_IDS = {
  endpoint: ENDPOINT_ID,
  delivery: DELIVERY_ID,
  event: EVENT_ID,
  account: ACCOUNT_ID,
};

export const ENDPOINT_EXAMPLE = {
  id: ENDPOINT_ID,
  kind: 'http',
  url: 'https://crm.example.com/webhooks/bookflow',
  description: 'HubSpot sync',
  event_types: ['meeting.booked', 'call.ended'],
  schema_version: '2026-09-01',
  enabled: true,
  disabled_reason: null,
  rate_limit: null,
  max_concurrency: null,
  failing_since: null,
  disabled_at: null,
  expires_at: null,
  created_at: '2026-11-30T09:00:00.000Z',
  updated_at: '2026-11-30T09:00:00.000Z',
};

export const DELIVERY_EXAMPLE = {
  id: DELIVERY_ID,
  event_id: EVENT_ID,
  endpoint_id: ENDPOINT_ID,
  event_type: 'meeting.booked',
  status: 'succeeded',
  series: 1,
  trigger: 'publish',
  attempt_count: 1,
  next_attempt_at: null,
  last_status_code: 200,
  last_error: null,
  created_at: '2026-11-30T09:01:00.000Z',
  updated_at: '2026-11-30T09:01:00.120Z',
  succeeded_at: '2026-11-30T09:01:00.120Z',
  dead_at: null,
  dead_reason: null,
};

export const ATTEMPT_EXAMPLE = {
  series: 1,
  attempt: 1,
  trigger: 'publish',
  scheduled_at: '2026-11-30T09:01:00.000Z',
  started_at: '2026-11-30T09:01:00.010Z',
  duration_ms: 110,
  outcome: 'succeeded',
  status_code: 200,
  error_kind: null,
  error: null,
  response_body: 'ok',
  response_body_encoding: 'utf8',
  response_content_type: 'text/plain',
  response_truncated: false,
};

export const DELIVERY_WITH_ATTEMPTS_EXAMPLE = {
  ...DELIVERY_EXAMPLE,
  attempts: [ATTEMPT_EXAMPLE],
  attempts_total: 1,
  attempts_next_cursor: null,
};

export const ACCOUNT_EXAMPLE = {
  id: ACCOUNT_ID,
  name: 'Acme',
  notifications: { slack_webhook_url: 'configured', pagerduty_routing_key: null },
  mode: 'live',
  default_schema_version: '2026-09-01',
  plan: {
    name: 'Growth',
    minutes_included: 1000,
    period_start: '2026-11-01T00:00:00.000Z',
    period_end: '2026-12-01T00:00:00.000Z',
  },
  trial_ends_at: null,
  created_at: '2026-11-30T08:59:00.000Z',
};

export const API_KEY_EXAMPLE = {
  id: 'key_9Vb2Qx7Lm3Np',
  name: 'CI',
  prefix: 'bfk_live_3kQ9',
  mode: 'live',
  created_at: '2026-11-30T09:00:00.000Z',
  last_used_at: null,
  revoked_at: null,
};
