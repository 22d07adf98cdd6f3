import type { ReactNode } from 'react';
import { ApiProblem } from '../api/client.ts';
import type { useAction } from '../api/use-action.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text =
    error instanceof ApiProblem ? error.detail : error instanceof Error ? error.message : String(error);
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

export function time(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** Text only: response bodies and payloads are untrusted, React renders them as text, never as HTML. */
export function Code({ children, label }: { children: string; label?: string }) {
  return (
    <section className="code-box" aria-label={label ?? 'Code'}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must be reachable by keyboard to be read */}
      <pre className="code" tabIndex={0}>
        {children}
      </pre>
    </section>
  );
}

/** A button drawn as a link; a screen reader also hears what it acts on (`about`). */
export function LinkButton({
  label,
  about,
  danger = false,
  onClick,
}: {
  label: string;
  about: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" className={danger ? 'link danger' : 'link'} onClick={onClick}>
      {label}
      <span className="sr-only"> {about}</span>
    </button>
  );
}

/**
 * A button that runs `action` through the page's `useAction` (its `run`), which shows what the
 * action threw and refreshes what it changed. `confirm`, when given, words the question asked
 * first; cancelling runs nothing.
 */
export function ActionButton({
  run,
  action,
  label,
  variant,
  confirm,
}: {
  run: ReturnType<typeof useAction>['run'];
  action: () => Promise<unknown>;
  label: string;
  variant?: 'secondary' | 'danger';
  confirm?: () => string;
}) {
  return (
    <button
      type="button"
      className={variant}
      onClick={() => {
        if (confirm && !window.confirm(confirm())) return;
        void run(action);
      }}
    >
      {label}
    </button>
  );
}
