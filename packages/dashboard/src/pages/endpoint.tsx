import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client.ts';
import { useDeliveries, useEndpoint } from '../api/queries.ts';
import type { Delivery, Endpoint } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { DeliveryTable } from '../components/delivery-table.tsx';
import { HealthCharts } from '../components/health-charts.tsx';
import { SecretOnce } from '../components/secret-once.tsx';
import { ActionButton, Code, ErrorNote, Loading, time } from '../components/ui.tsx';
import { useLiveAttempt } from '../live/live-stream.ts';

const OVERLAPS = [
  ['0', 'None: retire the old secret now'],
  ['3600', '1 hour'],
  ['86400', '24 hours'],
  ['604800', '7 days'],
] as const;

function disabledReason(ep: Endpoint): string {
  if (ep.enabled) return '';
  const reason = ep.disabled_reason ?? 'manual';
  return reason === 'manual' ? 'disabled by hand' : reason;
}

export function EndpointPage() {
  const { id = '' } = useParams();
  const endpoint = useEndpoint(id);
  if (endpoint.isPending) return <Loading what="the endpoint" />;
  if (endpoint.error) return <ErrorNote error={endpoint.error} />;
  return <EndpointDetails endpoint={endpoint.data} />;
}

function EndpointDetails({ endpoint: ep }: { endpoint: Endpoint }) {
  const navigate = useNavigate();
  const [secret, setSecret] = useState<string | null>(null);
  const [overlap, setOverlap] = useState('86400');
  const { run, error, note, setNote } = useAction([['endpoints'], ['deliveries']]);
  const held = useDeliveries({ endpoint_id: ep.id, status: 'held' }, 250);
  const pending = useDeliveries({ endpoint_id: ep.id, status: 'pending' }, 250);

  const heldCount = held.data?.data.length ?? 0;
  const waiting = heldCount + (pending.data?.data.length ?? 0);

  async function disable() {
    await api('PATCH', `/v1/endpoints/${ep.id}`, { enabled: false });
    setNote('Disabled: new deliveries are held until you enable it again.');
  }
  async function enable() {
    await api('PATCH', `/v1/endpoints/${ep.id}`, { enabled: true });
    setNote(`Enabled: ${heldCount === 250 ? '250 or more' : heldCount} held deliveries released, in order.`);
  }
  async function rotateSecret() {
    const rotated = await api<{ secret: string; previous_secret_expires_at: string }>(
      'POST',
      `/v1/endpoints/${ep.id}/rotate-secret`,
      { overlap_seconds: Number(overlap) },
    );
    setSecret(rotated.secret);
    setNote(
      `Secret rotated; the previous one signs beside it until ${time(rotated.previous_secret_expires_at)}.`,
    );
  }
  function removalQuestion() {
    const what =
      waiting > 0
        ? `Its ${waiting === 500 ? 'many' : waiting} pending or held deliveries end as dead (endpoint_deleted) and are not sent.`
        : 'It has no pending deliveries.';
    return `Delete ${ep.url}? ${what} Its history stays in the deliveries log.`;
  }
  async function remove() {
    await api('DELETE', `/v1/endpoints/${ep.id}`);
    void navigate('/');
  }

  return (
    <>
      <p>
        <Link to="/">← Integrations</Link>
      </p>
      <h1 className="break">{ep.url}</h1>
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      {note && (
        <p className="callout" role="status">
          {note}
        </p>
      )}
      <ErrorNote error={error} />
      <dl className="props">
        <dt>Status</dt>
        <dd>
          {ep.enabled ? (
            <span className="badge badge-succeeded">enabled</span>
          ) : (
            <>
              <span className="badge badge-held">disabled</span> {disabledReason(ep)} since{' '}
              {time(ep.disabled_at)}
              {heldCount > 0 && <> · {heldCount === 250 ? '250+' : heldCount} deliveries held</>}
            </>
          )}
          {ep.failing_since && <> · failing since {time(ep.failing_since)}</>}
        </dd>
        <dt>Description</dt>
        <dd>{ep.description ?? <span className="muted">none</span>}</dd>
        <dt>Event types</dt>
        <dd>{ep.event_types.join(', ')}</dd>
        <dt>Rate limit</dt>
        <dd>
          {ep.rate_limit === null
            ? 'platform default'
            : ep.rate_limit === 0
              ? 'unlimited'
              : `${ep.rate_limit} / s`}
        </dd>
        <dt>Concurrency</dt>
        <dd>
          {ep.max_concurrency === null
            ? 'platform default'
            : ep.max_concurrency === 0
              ? 'unlimited'
              : ep.max_concurrency}
        </dd>
        {ep.schema_version !== undefined && (
          <>
            <dt>Schema version</dt>
            <dd>{ep.schema_version ?? 'latest'}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{time(ep.created_at)}</dd>
      </dl>

      <div className="actions">
        {ep.enabled ? (
          <ActionButton run={run} action={disable} label="Disable" variant="secondary" />
        ) : (
          <ActionButton run={run} action={enable} label="Enable" />
        )}
        <label htmlFor="overlap">Old secret keeps signing for</label>
        <select id="overlap" value={overlap} onChange={(e) => setOverlap(e.target.value)}>
          {OVERLAPS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
        <ActionButton run={run} action={rotateSecret} label="Rotate secret" variant="secondary" />
        <ActionButton
          run={run}
          action={remove}
          confirm={removalQuestion}
          label="Delete endpoint"
          variant="danger"
        />
      </div>

      <TestEvent endpoint={ep} />
      <HealthCharts endpointId={ep.id} />
      <RecentDeliveries endpointId={ep.id} />
    </>
  );
}

/** Sends the catalogue's example of a subscribed type and shows the attempt as the stream reports it. */
function TestEvent({ endpoint }: { endpoint: Endpoint }) {
  const [type, setType] = useState(endpoint.event_types[0] ?? '');
  const [deliveryId, setDeliveryId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = useLiveAttempt(deliveryId);

  async function send() {
    setError(null);
    setDeliveryId(null);
    try {
      const sent = await api<{ delivery_id: string }>('POST', `/v1/endpoints/${endpoint.id}/test`, { type });
      setDeliveryId(sent.delivery_id);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-labelledby="test-title" className="panel">
      <h2 id="test-title">Send a test event</h2>
      <div className="row">
        <label htmlFor="test-type">Event type</label>
        <select id="test-type" value={type} onChange={(e) => setType(e.target.value)}>
          {endpoint.event_types.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <button type="button" onClick={() => void send()} disabled={!endpoint.enabled}>
          Send test event
        </button>
        {!endpoint.enabled && <span className="muted">Enable the endpoint first.</span>}
      </div>
      <ErrorNote error={error} />
      {deliveryId && (
        <div className="test-result" aria-live="polite" data-testid="test-result">
          {live ? (
            <>
              <p>
                <span className={`badge badge-${live.outcome}`}>{live.status_code ?? live.outcome}</span> in{' '}
                {live.duration_ms} ms · attempt {live.attempt} ·{' '}
                <Link to={`/deliveries/${deliveryId}`}>delivery</Link>
              </p>
              {live.error && <p className="error">{live.error}</p>}
              <Code label="Response body">{live.response_body ?? '(empty)'}</Code>
            </>
          ) : (
            <p className="muted">Sent; waiting for the attempt…</p>
          )}
        </div>
      )}
    </section>
  );
}

function RecentDeliveries({ endpointId }: { endpointId: string }) {
  const recent = useDeliveries({ endpoint_id: endpointId }, 10);
  return (
    <section aria-labelledby="recent-title">
      <h2 id="recent-title">Recent deliveries</h2>
      {recent.isPending && <Loading what="deliveries" />}
      <ErrorNote error={recent.error} />
      {recent.data && <DeliveryTable deliveries={recent.data.data as Delivery[]} />}
      <p>
        <Link to={`/deliveries?endpoint_id=${endpointId}`}>All deliveries of this endpoint</Link>
      </p>
    </section>
  );
}
