import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { NotificationSettings } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { ErrorNote, Loading } from '../components/ui.tsx';

const CHANNELS = [
  {
    id: 'slack',
    name: 'Slack',
    label: 'Slack incoming-webhook URL',
    placeholder: 'https://hooks.slack.com/services/…',
    type: 'url',
  },
  {
    id: 'pagerduty',
    name: 'PagerDuty',
    label: 'PagerDuty routing key (Events API v2)',
    placeholder: '32 letters and digits',
    type: 'password',
  },
] as const;

/** Where dead-letter and disabled-endpoint notices go: set, test, remove; shown masked. */
export function Settings() {
  const settings = useQuery({
    queryKey: ['notifications'],
    queryFn: () => api<NotificationSettings>('GET', '/v1/account/notifications'),
  });
  return (
    <>
      <h1>Notifications</h1>
      <p className="muted">Dead letters and endpoints the platform disables are announced here.</p>
      {settings.isPending && <Loading what="notification settings" />}
      <ErrorNote error={settings.error} />
      {settings.data && CHANNELS.map((c) => <Channel key={c.id} channel={c} state={settings.data[c.id]} />)}
    </>
  );
}

function Channel({
  channel,
  state,
}: {
  channel: (typeof CHANNELS)[number];
  state: { configured: boolean; masked: string | null };
}) {
  const [value, setValue] = useState('');
  const { run, error, note, setNote, client } = useAction();

  function save(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const next = await api<NotificationSettings>('PUT', `/v1/account/notifications/${channel.id}`, {
        value,
      });
      client.setQueryData(['notifications'], next);
      setValue('');
      setNote('Saved.');
    });
  }

  return (
    <section className="panel" aria-labelledby={`ch-${channel.id}`}>
      <h2 id={`ch-${channel.id}`}>{channel.name}</h2>
      <p>
        {state.configured ? (
          <>
            Set: <code>{state.masked}</code>
          </>
        ) : (
          <span className="muted">Not set: nobody hears about dead letters through {channel.name}.</span>
        )}
      </p>
      <form className="inline" onSubmit={save}>
        <label htmlFor={`in-${channel.id}`}>{channel.label}</label>
        <input
          id={`in-${channel.id}`}
          type={channel.type}
          autoComplete="off"
          placeholder={channel.placeholder}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          required
        />
        <button type="submit">{state.configured ? 'Replace' : 'Save'}</button>
      </form>
      {state.configured && (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void run(async () => {
                const r = await api<{ ok: boolean; error: string | null }>(
                  'POST',
                  `/v1/account/notifications/${channel.id}/test`,
                );
                setNote(r.ok ? 'Test notice sent.' : `The test notice failed: ${r.error}`);
              })
            }
          >
            Send a test notice
          </button>
          <button
            type="button"
            className="danger"
            onClick={() =>
              void run(async () => {
                const next = await api<NotificationSettings>(
                  'DELETE',
                  `/v1/account/notifications/${channel.id}`,
                );
                client.setQueryData(['notifications'], next);
                setNote('Removed.');
              })
            }
          >
            Remove
          </button>
        </div>
      )}
      {note && <p role="status">{note}</p>}
      <ErrorNote error={error} />
    </section>
  );
}
