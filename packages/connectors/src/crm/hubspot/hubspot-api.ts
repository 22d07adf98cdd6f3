import { Client } from '@hubspot/api-client';
import type { CallFailure } from '../retry/decide.ts';
import { retryAfterSeconds } from '../retry/decide.ts';

export interface HubSpotOptions {
  /** A private app's access token. */
  accessToken: string;
  /** https://api.hubapi.com by default; a local fake in tests. */
  basePath?: string;
  /** Requests per rolling 10 seconds this connector allows itself (HubSpot's per-app burst limit). */
  requestsPer10Seconds?: number;
}

/**
 * The official client, with its own retries off (they ignore Retry-After; ours honour it) and its
 * Bottleneck limiter set to a reservoir refilled every 10 seconds, HubSpot's limit window.
 */
export function hubspotClient(options: HubSpotOptions): Client {
  const perWindow = options.requestsPer10Seconds ?? 100;
  return new Client({
    accessToken: options.accessToken,
    basePath: options.basePath,
    numberOfApiCallRetries: 0,
    limiterOptions: {
      maxConcurrent: 6,
      reservoir: perWindow,
      reservoirRefreshAmount: perWindow,
      reservoirRefreshInterval: 10_000,
    },
    // Without job options the SDK's limiter decorator wraps instead of scheduling.
    limiterJobOptions: {},
  });
}

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return null;
}

/** The SDK's ApiException (code, body, headers) or a network error, as the retry policy reads it. */
export function describeHubSpotError(error: unknown): CallFailure {
  const e = error as { code?: unknown; body?: unknown; headers?: unknown; message?: string };
  if (typeof e?.code === 'number') {
    const body = e.body as { message?: unknown; category?: unknown } | undefined;
    const said = typeof body?.message === 'string' ? body.message : 'no message';
    return {
      status: e.code,
      retryAfterSeconds: retryAfterSeconds(header(e.headers, 'retry-after')),
      message: `HubSpot answered ${e.code}${typeof body?.category === 'string' ? ` ${body.category}` : ''}: ${said}`,
    };
  }
  return {
    status: null,
    retryAfterSeconds: null,
    message: `HubSpot unreachable: ${e?.message ?? String(error)}`,
  };
}

/** HubSpot's default association types (HUBSPOT_DEFINED) from an engagement to a contact. */
export const TO_CONTACT = { meeting: 200, note: 202, call: 194 } as const;

export function associatedWithContact(contactId: string, kind: keyof typeof TO_CONTACT) {
  return [
    {
      to: { id: contactId },
      types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: TO_CONTACT[kind] }],
    },
  ];
}

/** Lifecycle stages in HubSpot's order; a contact only moves forward. */
export const LIFECYCLE_ORDER = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
];

/** Whether moving `current` to `target` is forward (an unknown or custom stage is left alone). */
export function movesForward(current: string | null | undefined, target: string): boolean {
  if (!current) return true;
  const from = LIFECYCLE_ORDER.indexOf(current);
  const to = LIFECYCLE_ORDER.indexOf(target);
  return from !== -1 && to > from;
}
