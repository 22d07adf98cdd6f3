import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client.ts';
import { useEndpoints } from '../api/queries.ts';
import type { DeliveryWithAttempts } from '../api/types.ts';
import { Code, ErrorNote, Loading, StatusBadge, time } from '../components/ui.tsx';

interface EventEnvelope {
  id: string;
  type: string;
  created_at: string;
  schema_version: string;
  data: unknown;
}

/** A shell-safe single-quoted string. */
const sq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** One delivery: every attempt, the envelope and headers as sent, copy-as-curl, replay. */
export function DeliveryPage() {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const delivery = useQuery({
    queryKey: ['delivery', id],
    queryFn: () => api<DeliveryWithAttempts>('GET', `/v1/deliveries/${id}`),
  });
  const eventId = delivery.data?.event_id;
  const event = useQuery({
    queryKey: ['event', eventId],
    queryFn: () => api<EventEnvelope>('GET', `/v1/events/${eventId}`),
    enabled: Boolean(eventId),
  });
  const endpoints = useEndpoints();
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);

  if (delivery.isPending) return <Loading what="the delivery" />;
  if (delivery.error) return <ErrorNote error={delivery.error} />;
  const d = delivery.data;
  const endpoint = endpoints.data?.find((e) => e.id === d.endpoint_id);
  const body = event.data ? JSON.stringify(event.data) : '';
  const headers: Array<[string, string]> = [
    ['content-type', 'application/json'],
    ['X-BookFlow-Event-Id', d.event_id],
    ['X-BookFlow-Event-Type', d.event_type],
    ['X-BookFlow-Schema-Version', event.data?.schema_version ?? ''],
    ['webhook-id', d.event_id],
  ];
  const curl = [
    `curl -X POST ${sq(endpoint?.url ?? '<endpoint url>')}`,
    ...headers.map(([k, v]) => `-H ${sq(`${k}: ${v}`)}`),
    `--data-raw ${sq(body)}`,
  ].join(' \\\n  ');

  return (
    <>
      <p>
        <Link to="/deliveries">← Deliveries</Link>
      </p>
      <h1>
        Delivery <code className="small">{d.id}</code>
      </h1>
      <dl className="props">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={d.status} />{' '}
          {d.dead_reason && <span className="muted">({d.dead_reason})</span>}
        </dd>
        <dt>Event</dt>
        <dd>
          <code>{d.event_type}</code> · <code className="small">{d.event_id}</code>
        </dd>
        <dt>Endpoint</dt>
        <dd>
          <Link to={`/endpoints/${d.endpoint_id}`}>{endpoint?.url ?? d.endpoint_id}</Link>
        </dd>
        <dt>Created</dt>
        <dd>{time(d.created_at)}</dd>
        {d.next_attempt_at && (
          <>
            <dt>Next attempt</dt>
            <dd>{time(d.next_attempt_at)}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        <button
          type="button"
          disabled={d.status !== 'dead' && d.status !== 'succeeded'}
          onClick={async () => {
            setError(null);
            try {
              await api('POST', `/v1/deliveries/${d.id}/replay`);
              setNote('Replay queued.');
              await client.invalidateQueries({ queryKey: ['delivery', id] });
            } catch (err) {
              setError(err);
            }
          }}
        >
          Replay
        </button>
        <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(curl)}>
          Copy as curl
        </button>
      </div>
      {note && <p role="status">{note}</p>}
      <ErrorNote error={error} />

      <h2>Attempts</h2>
      <ol className="attempts">
        {(d.attempts ?? []).map((a) => (
          <li key={`${a.series}-${a.attempt}`} className="attempt">
            <p>
              <span className={`badge badge-${a.outcome}`}>{a.status_code ?? a.error_kind ?? a.outcome}</span>{' '}
              series {a.series} · attempt {a.attempt} · {time(a.started_at)} · {a.duration_ms} ms
              {a.trigger === 'manual' && ' · replay'}
            </p>
            {a.error && <p className="error">{a.error}</p>}
            <Code label={`Response body of attempt ${a.attempt}`}>
              {a.response_body === null
                ? '(no body)'
                : a.response_body + (a.response_truncated ? '\n… (truncated)' : '')}
            </Code>
          </li>
        ))}
        {(d.attempts ?? []).length === 0 && <li className="muted">No attempt yet.</li>}
      </ol>

      <h2>Envelope as sent</h2>
      {event.data ? (
        <Code label="Event envelope">{JSON.stringify(event.data, null, 2)}</Code>
      ) : (
        <Loading what="the event" />
      )}
      <h2>Headers</h2>
      <Code label="Headers">
        {`${headers.map(([k, v]) => `${k}: ${v}`).join('\n')}\nX-BookFlow-Attempt, X-BookFlow-Delivered-At, webhook-timestamp and the signatures are set per attempt.`}
      </Code>
      <h2>Copy as curl</h2>
      <Code label="curl command">{curl}</Code>
    </>
  );
}
