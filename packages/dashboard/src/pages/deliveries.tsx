import { useSearchParams } from 'react-router';
import { type DeliveryFilter, useCatalogue, useDeliveries } from '../api/queries.ts';
import { DeliveryTable } from '../components/delivery-table.tsx';
import { EndpointSelect } from '../components/endpoint-select.tsx';
import { ErrorNote, Loading } from '../components/ui.tsx';

const STATUSES = ['pending', 'delivering', 'succeeded', 'dead', 'held'];

/** A datetime-local value as the API's ISO time, or undefined. */
function iso(local: string | null): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The deliveries log, filtered by the URL's query (so a filtered view can be shared). */
export function DeliveriesPage() {
  const [params, setParams] = useSearchParams();
  const catalogue = useCatalogue();
  const filter: DeliveryFilter = {
    status: params.get('status') ?? undefined,
    event_type: params.get('event_type') ?? undefined,
    endpoint_id: params.get('endpoint_id') ?? undefined,
    since: iso(params.get('since')),
    until: iso(params.get('until')),
  };
  const limit = Number(params.get('limit') ?? 50);
  const deliveries = useDeliveries(filter, limit);

  function set(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete('limit');
    setParams(next, { replace: true });
  }

  return (
    <>
      <h1>Deliveries</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="f-status">Status</label>
          <select
            id="f-status"
            value={params.get('status') ?? ''}
            onChange={(e) => set('status', e.target.value)}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-type">Event type</label>
          <select
            id="f-type"
            value={params.get('event_type') ?? ''}
            onChange={(e) => set('event_type', e.target.value)}
          >
            <option value="">Any</option>
            {catalogue.data?.data.map((t) => (
              <option key={t.type}>{t.type}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-endpoint">Endpoint</label>
          <EndpointSelect
            id="f-endpoint"
            value={params.get('endpoint_id') ?? ''}
            onChange={(id) => set('endpoint_id', id)}
            anyLabel="Any"
          />
        </div>
        {(
          [
            ['since', 'Since'],
            ['until', 'Until'],
          ] as const
        ).map(([name, label]) => (
          <div key={name}>
            <label htmlFor={`f-${name}`}>{label}</label>
            <input
              id={`f-${name}`}
              type="datetime-local"
              value={params.get(name) ?? ''}
              onChange={(e) => set(name, e.target.value)}
            />
          </div>
        ))}
      </form>
      {deliveries.isPending && <Loading what="deliveries" />}
      <ErrorNote error={deliveries.error} />
      {deliveries.data && (
        <>
          <DeliveryTable deliveries={deliveries.data.data} />
          {deliveries.data.next_cursor && limit < 250 && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                const next = new URLSearchParams(params);
                next.set('limit', String(Math.min(250, limit + 50)));
                setParams(next, { replace: true });
              }}
            >
              Show more
            </button>
          )}
        </>
      )}
    </>
  );
}
