import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { NotificationSettings } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { ActionButton, ErrorNote, Loading } from '../components/ui.tsx';

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

  async function sendTest() {
    const r = await api<{ ok: boolean; error: string | null }>(
      'POST',
      `/v1/account/notifications/${channel.id}/test`,
    );
    setNote(r.ok ? 'Test notice sent.' : `The test notice failed: ${r.error}`);
  }

  async function remove() {
    const next = await api<NotificationSettings>('DELETE', `/v1/account/notifications/${channel.id}`);
    client.setQueryData(['notifications'], next);
    setNote('Removed.');
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
          <ActionButton run={run} action={sendTest} label="Send a test notice" variant="secondary" />
          <ActionButton run={run} action={remove} label="Remove" variant="danger" />
        </div>
      )}
      {note && <p role="status">{note}</p>}
      <ErrorNote error={error} />
    </section>
  );
}
