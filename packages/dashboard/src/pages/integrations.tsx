import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client.ts';
import { useCatalogue, useEndpoints } from '../api/queries.ts';
import type { Endpoint, EventTypeInfo } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { SecretOnce } from '../components/secret-once.tsx';
import { Code, Empty, ErrorNote, LinkButton, Loading } from '../components/ui.tsx';

/** The home page: the nine event types as rows, each with its destinations, edited in place. */
export function Integrations() {
  const catalogue = useCatalogue();
  const endpoints = useEndpoints();
  const [secret, setSecret] = useState<string | null>(null);

  if (catalogue.isPending || endpoints.isPending) return <Loading what="your integrations" />;
  if (catalogue.error || endpoints.error) return <ErrorNote error={catalogue.error ?? endpoints.error} />;
  return (
    <>
      <h1>Integrations</h1>
      <p className="muted">
        Where each event goes. One endpoint may serve several types; its other types are listed beside it.
      </p>
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      <ul className="types">
        {catalogue.data.data.map((type) => (
          <TypeRow key={type.type} type={type} endpoints={endpoints.data} onCreated={setSecret} />
        ))}
      </ul>
    </>
  );
}

function TypeRow({
  type,
  endpoints,
  onCreated,
}: {
  type: EventTypeInfo;
  endpoints: Endpoint[];
  onCreated: (secret: string) => void;
}) {
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [error, setError] = useState<unknown>(null);
  const mine = endpoints.filter((e) => e.event_types.includes(type.type));
  const inputId = `add-${type.type}`;

  async function add(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const existing = endpoints.find((ep) => ep.url === url.trim());
      if (existing) {
        // The same URL already serves other types: subscribe it to this one too.
        await api('PATCH', `/v1/endpoints/${existing.id}`, {
          event_types: [...existing.event_types, type.type],
        });
      } else {
        const created = await api<{ secret: string }>('POST', '/v1/endpoints', {
          url: url.trim(),
          event_types: [type.type],
        });
        onCreated(created.secret);
      }
      setUrl('');
      await client.invalidateQueries({ queryKey: ['endpoints'] });
    } catch (err) {
      setError(err);
    }
  }

  return (
    <li className="type-row">
      <div className="type-head">
        <h2>
          <code>{type.type}</code>
        </h2>
        <p>{type.description}</p>
        <details>
          <summary>Example payload</summary>
          <Code label={`Example ${type.type} data`}>{JSON.stringify(type.example, null, 2)}</Code>
        </details>
      </div>
      <div className="type-dest">
        {mine.length === 0 ? (
          <Empty>No endpoints yet: add one for {type.type}.</Empty>
        ) : (
          <ul className="dests">
            {mine.map((ep) => (
              <Destination key={ep.id} endpoint={ep} type={type.type} />
            ))}
          </ul>
        )}
        <form className="inline" onSubmit={add}>
          <label htmlFor={inputId} className="sr-only">
            Destination URL for {type.type}
          </label>
          <input
            id={inputId}
            type="url"
            placeholder="https://example.com/webhooks/bookflow"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
          />
          <button type="submit">Add destination</button>
        </form>
        <ErrorNote error={error} />
      </div>
    </li>
  );
}

function Destination({ endpoint, type }: { endpoint: Endpoint; type: string }) {
  const [editing, setEditing] = useState(false);
  const [url, setUrl] = useState(endpoint.url);
  const { run, error } = useAction([['endpoints']]);
  const others = endpoint.event_types.filter((t) => t !== type);

  function remove() {
    if (others.length > 0) {
      return run(() => api('PATCH', `/v1/endpoints/${endpoint.id}`, { event_types: others }));
    }
    // The endpoint's last type: removing it deletes the endpoint, so ask first.
    if (
      !window.confirm(`Delete ${endpoint.url}? It serves only ${type}; its pending deliveries end as dead.`)
    ) {
      return Promise.resolve();
    }
    return run(() => api('DELETE', `/v1/endpoints/${endpoint.id}`));
  }

  return (
    <li className="dest">
      {editing ? (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api('PATCH', `/v1/endpoints/${endpoint.id}`, { url: url.trim() });
              setEditing(false);
            });
          }}
        >
          <label htmlFor={`edit-${endpoint.id}-${type}`} className="sr-only">
            New URL
          </label>
          <input
            id={`edit-${endpoint.id}-${type}`}
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <button type="submit">Save</button>
          <button type="button" className="secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <Link to={`/endpoints/${endpoint.id}`} className="dest-url">
            {endpoint.url}
          </Link>
          {!endpoint.enabled && <span className="badge badge-held">disabled</span>}
          {others.length > 0 && <span className="muted small">also: {others.join(', ')}</span>}
          <span className="row">
            <LinkButton label="Edit" about={`${endpoint.url} for ${type}`} onClick={() => setEditing(true)} />
            <LinkButton
              label="Remove"
              about={`${endpoint.url} from ${type}`}
              danger
              onClick={() => void remove()}
            />
          </span>
        </>
      )}
      <ErrorNote error={error} />
    </li>
  );
}
