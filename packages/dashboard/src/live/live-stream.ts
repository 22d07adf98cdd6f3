import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import type { LiveAttempt } from '../api/types.ts';

/** The newest attempt results seen on the stream, by delivery id (what "Send a test event" waits for). */
const attempts = new Map<string, LiveAttempt>();
let connected = false;
let version = 0;
const listeners = new Set<() => void>();

function changed(): void {
  version += 1;
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The latest attempt of a delivery as the stream reported it, or undefined. */
export function useLiveAttempt(deliveryId: string | null): LiveAttempt | undefined {
  useSyncExternalStore(subscribe, () => version);
  return deliveryId ? attempts.get(deliveryId) : undefined;
}

export function useLiveConnected(): boolean {
  return useSyncExternalStore(subscribe, () => connected);
}

/**
 * Opens GET /v1/stream (the browser sends the session cookie and resumes with Last-Event-ID on its
 * own) and refreshes the lists the page shows when something happens, at most every 500 ms.
 */
/** `accountId` reopens the stream when the session switches between live and test mode. */
export function useLiveStream(client: QueryClient, enabled: boolean, accountId?: string): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: accountId is not read; a new one reopens the stream
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource('/v1/stream');
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void client.invalidateQueries({ queryKey: ['deliveries'] });
        void client.invalidateQueries({ queryKey: ['delivery'] });
        void client.invalidateQueries({ queryKey: ['stats'] });
        void client.invalidateQueries({ queryKey: ['endpoints'] });
      }, 500);
    };
    source.addEventListener('open', () => {
      connected = true;
      changed();
    });
    source.addEventListener('error', () => {
      connected = false;
      changed();
    });
    source.addEventListener('delivery.created', refresh);
    source.addEventListener('attempt.finished', (e) => {
      const attempt = JSON.parse((e as MessageEvent<string>).data) as LiveAttempt;
      attempts.set(attempt.delivery_id, attempt);
      if (attempts.size > 500) attempts.delete(attempts.keys().next().value!);
      changed();
      refresh();
    });
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
      connected = false;
      changed();
    };
  }, [client, enabled, accountId]);
}
