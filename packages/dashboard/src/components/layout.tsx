import { useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useLiveConnected, useLiveStream } from '../live/live-stream.ts';
import { SignIn } from '../pages/sign-in.tsx';
import { useSession, useSignOut } from '../session.tsx';
import { ModeSwitch, TestModeBanner } from './mode-switch.tsx';
import { ErrorNote, Loading } from './ui.tsx';

const NAV = [
  ['/', 'Integrations'],
  ['/deliveries', 'Deliveries'],
  ['/dead-letters', 'Dead letters'],
  ['/health', 'Health'],
  ['/catalogue', 'Docs'],
  ['/settings', 'Notifications'],
] as const;

export function Layout() {
  const session = useSession();
  const client = useQueryClient();
  const location = useLocation();
  const signOut = useSignOut();
  const signedIn = Boolean(session.data);
  useLiveStream(client, signedIn, session.data?.account_id);
  const live = useLiveConnected();

  if (session.isPending) {
    return (
      <main className="page">
        <Loading what="your session" />
      </main>
    );
  }
  if (session.error) {
    return (
      <main className="page">
        <ErrorNote error={session.error} />
      </main>
    );
  }
  if (!session.data || location.pathname === '/sign-in') {
    return <SignIn signedIn={signedIn} />;
  }
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          BookFlow Webhooks
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} end={to === '/'}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <span
            className={live ? 'live on' : 'live'}
            title={live ? 'Live updates on' : 'Live updates reconnecting'}
          >
            {live ? '● Live' : '○ Offline'}
          </span>
          <ModeSwitch mode={session.data.mode} />
          <span className="muted">{session.data.account_name || session.data.account_id}</span>
          <button type="button" className="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {session.data.mode === 'test' && <TestModeBanner />}
      <main id="main" className="page">
        <Outlet />
      </main>
    </>
  );
}
