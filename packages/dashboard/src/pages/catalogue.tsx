import { useState } from 'react';
import goSample from '../../../../examples/verify/go/main.go?raw';
import nodeSample from '../../../../examples/verify/node/server.mjs?raw';
import pythonSample from '../../../../examples/verify/python/server.py?raw';
import rubySample from '../../../../examples/verify/ruby/server.rb?raw';
import { useCatalogue } from '../api/queries.ts';
import { Code, ErrorNote, Loading } from '../components/ui.tsx';

const SAMPLES = [
  ['Node', nodeSample],
  ['Python', pythonSample],
  ['Go', goSample],
  ['Ruby', rubySample],
] as const;

interface ChangelogEntry {
  version: string;
  date: string;
  changes: string[];
}

/** Docs in place: the catalogue with each type's schema and example, the changelog, the signing guide. */
export function Catalogue() {
  const catalogue = useCatalogue();
  const [sample, setSample] = useState<string>('Node');
  if (catalogue.isPending) return <Loading what="the event catalogue" />;
  if (catalogue.error) return <ErrorNote error={catalogue.error} />;
  const changelog = catalogue.data.changelog as ChangelogEntry[];
  return (
    <>
      <h1>Event catalogue</h1>
      <p className="muted">Schema version {catalogue.data.schema_version}.</p>
      {catalogue.data.data.map((t) => (
        <section key={t.type} className="panel" aria-labelledby={`cat-${t.type}`}>
          <h2 id={`cat-${t.type}`}>
            <code>{t.type}</code>
          </h2>
          <p>{t.description}</p>
          <details>
            <summary>JSON Schema</summary>
            <Code label={`${t.type} JSON Schema`}>{JSON.stringify(t.schema, null, 2)}</Code>
          </details>
          <details>
            <summary>Example</summary>
            <Code label={`${t.type} example`}>{JSON.stringify(t.example, null, 2)}</Code>
          </details>
        </section>
      ))}
      <h2>Changelog</h2>
      <ul>
        {changelog.map((c) => (
          <li key={c.version}>
            <strong>{c.version}</strong> ({c.date})
            <ul>
              {c.changes.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <h2>Verifying signatures</h2>
      <p>
        Every attempt carries <code>webhook-id</code>, <code>webhook-timestamp</code> and{' '}
        <code>webhook-signature</code> (Standard Webhooks: <code>v1,</code> and the base64 HMAC-SHA256 of{' '}
        <code>id.timestamp.body</code> under the secret's decoded bytes), and{' '}
        <code>X-BookFlow-Signature</code> (<code>sha256=</code> and the hex HMAC of the raw body). During a
        rotation each header carries one signature per active secret: accept the request when any matches.
        Compare in constant time, check the timestamp against your clock (5 minutes), and verify the raw bytes
        before parsing.
      </p>
      <div className="row" role="tablist" aria-label="Sample language">
        {SAMPLES.map(([lang]) => (
          <button
            key={lang}
            type="button"
            role="tab"
            aria-selected={sample === lang}
            className={sample === lang ? '' : 'secondary'}
            onClick={() => setSample(lang)}
          >
            {lang}
          </button>
        ))}
      </div>
      <Code label={`${sample} verification sample`}>{SAMPLES.find(([l]) => l === sample)![1]}</Code>
    </>
  );
}
