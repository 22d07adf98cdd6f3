import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client.ts';
import type { Session } from '../api/types.ts';
import { ErrorNote } from '../components/ui.tsx';
import { useSignedIn } from '../session.tsx';

/**
 * Sign in with an API key pasted once (exchanged for an HttpOnly cookie; the key is not kept
 * anywhere in the page), or with a one-time link: /sign-in#token=… posts the token once.
 */
export function SignIn({ signedIn }: { signedIn: boolean }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const done = useSignedIn();
  const navigate = useNavigate();
  const linkUsed = useRef(false);

  useEffect(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
    if (!token || linkUsed.current) {
      if (signedIn && window.location.pathname === '/sign-in') void navigate('/', { replace: true });
      return;
    }
    linkUsed.current = true;
    // The token leaves the address bar (and history) before it is used.
    window.history.replaceState(null, '', '/sign-in');
    setBusy(true);
    api<Session>('POST', '/v1/dashboard/sessions', { link_token: token })
      .then((session) => {
        done(session);
        void navigate('/', { replace: true });
      })
      .catch(setError)
      .finally(() => setBusy(false));
  }, [done, navigate, signedIn]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api<Session>('POST', '/v1/dashboard/sessions', { api_key: key.trim() });
      setKey('');
      done(session);
      void navigate('/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="signin">
      <div className="card">
        <h1>BookFlow Webhooks</h1>
        <p className="muted">Sign in to your account's Integrations page.</p>
        <form onSubmit={submit}>
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autoComplete="off"
            placeholder="bfk_…"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
          />
          <p className="hint">
            Pasted once: the page keeps a session cookie it cannot read, never the key. A one-time sign-in
            link from <code>POST /v1/dashboard-links</code> works too.
          </p>
          <button type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <ErrorNote error={error} />
      </div>
    </main>
  );
}
