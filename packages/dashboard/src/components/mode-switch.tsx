import { useState } from 'react';
import type { Session } from '../api/types.ts';
import { useSwitchMode } from '../session.tsx';

/** The header's test-mode switch: a labelled checkbox with the switch role, reachable by keyboard. */
export function ModeSwitch({ mode }: { mode: Session['mode'] }) {
  const switchMode = useSwitchMode();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="mode-switch">
      <input
        type="checkbox"
        role="switch"
        checked={mode === 'test'}
        aria-checked={mode === 'test'}
        disabled={busy}
        onChange={(e) => {
          setBusy(true);
          setError(null);
          switchMode(e.target.checked ? 'test' : 'live')
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
            .finally(() => setBusy(false));
        }}
      />
      Test mode
      {error && (
        <span role="alert" className="mode-error">
          {error}
        </span>
      )}
    </label>
  );
}

/** Shown above every page while the session is in test mode. */
export function TestModeBanner() {
  return (
    <div className="test-banner" role="status">
      Test mode: data here never reaches live endpoints
    </div>
  );
}
