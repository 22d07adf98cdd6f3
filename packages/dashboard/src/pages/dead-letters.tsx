import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, query } from '../api/client.ts';
import { useDeliveries } from '../api/queries.ts';
import type { DeliveryPage } from '../api/types.ts';
import { DeliveryTable } from '../components/delivery-table.tsx';
import { EndpointSelect } from '../components/endpoint-select.tsx';
import { ErrorNote, Loading } from '../components/ui.tsx';

/** Dead letters: select and replay, or replay all of an endpoint since a time with a count first. */
export function DeadLetters() {
  const client = useQueryClient();
  const dead = useDeliveries({ status: 'dead' }, 250);
  const [selected, setSelected] = useState(new Set<string>());
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);

  function toggle(id: string) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  }

  async function replaySelected() {
    setError(null);
    let done = 0;
    try {
      for (const id of selected) {
        await api('POST', `/v1/deliveries/${id}/replay`);
        done += 1;
      }
      setNote(`${done} ${done === 1 ? 'delivery' : 'deliveries'} queued for replay.`);
      setSelected(new Set());
    } catch (err) {
      setError(err);
    }
    await client.invalidateQueries({ queryKey: ['deliveries'] });
  }

  return (
    <>
      <h1>Dead letters</h1>
      <p className="muted">
        Deliveries that used up their retries. Replay them once the endpoint is healthy again.
      </p>
      <BulkReplay />
      <h2>Dead-lettered deliveries</h2>
      <div className="actions">
        <button type="button" disabled={selected.size === 0} onClick={() => void replaySelected()}>
          Replay selected ({selected.size})
        </button>
      </div>
      {note && <p role="status">{note}</p>}
      <ErrorNote error={error} />
      {dead.isPending && <Loading what="dead letters" />}
      <ErrorNote error={dead.error} />
      {dead.data && (
        <DeliveryTable
          deliveries={dead.data.data}
          empty="No dead letters: every delivery reached its endpoint or is still being retried."
          select={{ selected, toggle }}
        />
      )}
    </>
  );
}

type Step =
  | { kind: 'idle' }
  | { kind: 'counted'; count: number; more: boolean }
  | { kind: 'replaying'; total: number };

function BulkReplay() {
  const [endpointId, setEndpointId] = useState('');
  const [since, setSince] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [error, setError] = useState<unknown>(null);
  const filter = {
    endpoint_id: endpointId || undefined,
    since: since ? new Date(since).toISOString() : undefined,
  };
  // While a replay goes out, what is still dead or waiting under the filter tells how far it got.
  const remainingDead = useDeliveries({ ...filter, status: 'dead' }, 250);
  const remainingPending = useDeliveries({ ...filter, status: 'pending' }, 250);

  async function count() {
    setError(null);
    try {
      const page = await api<DeliveryPage>(
        'GET',
        `/v1/deliveries${query({ ...filter, status: 'dead', limit: '250' })}`,
      );
      setStep({ kind: 'counted', count: page.data.length, more: page.next_cursor !== null });
    } catch (err) {
      setError(err);
    }
  }

  async function replay() {
    if (step.kind !== 'counted') return;
    setError(null);
    try {
      await api('POST', '/v1/deliveries/replay', { status: 'dead', ...filter });
      setStep({ kind: 'replaying', total: step.count });
    } catch (err) {
      setError(err);
    }
  }

  const left = (remainingDead.data?.data.length ?? 0) + (remainingPending.data?.data.length ?? 0);
  const sent = step.kind === 'replaying' ? Math.max(0, step.total - left) : 0;

  return (
    <section className="panel" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Replay all for an endpoint</h2>
      <div className="filters">
        <div>
          <label htmlFor="bulk-endpoint">Endpoint</label>
          <EndpointSelect
            id="bulk-endpoint"
            value={endpointId}
            onChange={(id) => {
              setEndpointId(id);
              setStep({ kind: 'idle' });
            }}
            anyLabel="Every endpoint"
          />
        </div>
        <div>
          <label htmlFor="bulk-since">Events accepted since</label>
          <input
            id="bulk-since"
            type="datetime-local"
            value={since}
            onChange={(e) => {
              setSince(e.target.value);
              setStep({ kind: 'idle' });
            }}
          />
        </div>
        <div className="align-end">
          <button type="button" className="secondary" onClick={() => void count()}>
            Count
          </button>
        </div>
      </div>
      {step.kind === 'counted' && (
        <div className="row" role="status">
          <span>
            {step.count}
            {step.more ? '+' : ''} dead {step.count === 1 ? 'delivery matches' : 'deliveries match'}.
          </span>
          <button type="button" disabled={step.count === 0} onClick={() => void replay()}>
            Replay {step.count}
            {step.more ? '+' : ''}
          </button>
        </div>
      )}
      {step.kind === 'replaying' && (
        <div className="row">
          <label htmlFor="bulk-progress">Replaying</label>
          <progress id="bulk-progress" max={step.total} value={sent} />
          <span role="status">
            {sent} of {step.total} sent
          </span>
        </div>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
