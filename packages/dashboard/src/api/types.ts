export interface Session {
  account_id: string;
  account_name: string;
  /** `test` when the session is on the account's test twin. */
  mode: 'live' | 'test';
  csrf_token: string;
}

export interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  enabled: boolean;
  disabled_reason: string | null;
  rate_limit: number | null;
  max_concurrency: number | null;
  failing_since: string | null;
  disabled_at: string | null;
  created_at: string;
  schema_version?: string | null;
}

export interface EventTypeInfo {
  type: string;
  description: string;
  schema: unknown;
  example: unknown;
}

export interface Catalogue {
  schema_version: string;
  data: EventTypeInfo[];
  changelog: unknown;
}

export interface Attempt {
  series: number;
  attempt: number;
  trigger: string;
  started_at: string;
  duration_ms: number;
  outcome: string;
  status_code: number | null;
  error_kind: string | null;
  error: string | null;
  response_body: string | null;
  response_body_encoding: string | null;
  response_truncated: boolean;
}

export interface Delivery {
  id: string;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  status: string;
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  dead_at: string | null;
  dead_reason: string | null;
  attempts?: Attempt[];
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Latency {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Stats {
  window: string;
  bucket_seconds: number;
  totals: {
    succeeded: number;
    failed: number;
    dead_lettered: number;
    success_rate: number | null;
    latency_ms: Latency;
  };
  now: { queue_depth: number; held: number; dead_letter_depth: number };
  buckets: Array<{
    at: string;
    succeeded: number;
    failed: number;
    dead_lettered: number;
    success_rate: number | null;
    latency_ms: Latency;
    queue_depth: number;
    dead_letter_depth: number;
  }>;
}

export interface NotificationSettings {
  slack: { configured: boolean; masked: string | null };
  pagerduty: { configured: boolean; masked: string | null };
}

/** An attempt result from the live stream. */
export interface LiveAttempt {
  delivery_id: string;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  status: string;
  attempt: number;
  duration_ms: number;
  outcome: string;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
}
