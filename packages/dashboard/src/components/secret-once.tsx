/** A signing secret, shown once after creation or rotation: it cannot be read again later. */
export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div className="callout" role="status">
      <p>
        <strong>Signing secret (shown once):</strong> copy it into your receiver now.
      </p>
      <code className="secret">{secret}</code>
      <div className="row">
        <button
          type="button"
          className="secondary"
          onClick={() => void navigator.clipboard?.writeText(secret)}
        >
          Copy
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </div>
  );
}
