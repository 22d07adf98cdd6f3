import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedPlatform } from './support/platform.ts';

const run = promisify(execFile);
const REDOCLY = fileURLToPath(new URL('../../../node_modules/.bin/redocly', import.meta.url));

describe('the OpenAPI document the platform serves', () => {
  let served: Awaited<ReturnType<typeof servedPlatform>>;
  beforeAll(async () => {
    served = await servedPlatform();
  });
  afterAll(async () => served?.close());

  it("passes Redocly's recommended lint with no error and no warning, as `redocly lint <url>` runs it", async () => {
    const result = await run(REDOCLY, ['lint', `${served.url}/openapi.json`, '--format', 'json'], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((err: { stdout: string; stderr: string; code: number }) => err);
    const report = JSON.parse(result.stdout) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
    };
    const listed = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    // A route declared without packages/platform/src/api/docs/operation.ts shows up here by name.
    expect(listed).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('documents every operation: operationId, summary, tag, a success example and its problem+json answers', async () => {
    const spec = (await (await fetch(`${served.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(24);
    const missing: string[] = [];
    for (const { name, op } of operations) {
      if (!/^[a-z][A-Za-z]+$/.test(String(op.operationId))) missing.push(`${name}: operationId`);
      if (!op.summary) missing.push(`${name}: summary`);
      if ((op.tags as string[] | undefined)?.length !== 1) missing.push(`${name}: one tag`);
      const responses = op.responses as Record<
        string,
        { content?: Record<string, { example?: unknown; examples?: unknown }> }
      >;
      const success = Object.entries(responses).find(([status]) => status.startsWith('2'));
      if (!success) missing.push(`${name}: a 2xx answer`);
      else if (success[0] !== '204' && !Object.values(success[1].content ?? {})[0]?.example) {
        missing.push(`${name}: an example of its ${success[0]} answer`);
      }
      const problems = Object.entries(responses).filter(([s]) => s.startsWith('4'));
      if (problems.length === 0) missing.push(`${name}: its 4xx problems`);
      for (const [status, problem] of problems) {
        if (Object.keys(problem.content ?? {}).join() !== 'application/problem+json') {
          missing.push(`${name}: ${status} as application/problem+json`);
        }
      }
    }
    // Routes declared with packages/platform/src/api/docs/operation.ts have all of these.
    expect(missing).toEqual([]);
  });
});
