import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { filesIn, RULE_TESTS_DIR, RULES_DIR } from './support/paths.ts';
import { loadRules } from './support/rules.ts';
import { describeWithTool } from './support/tools.ts';

const run = promisify(execFile);

interface RuleTestFile {
  rule_files: string[];
  tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
}

const ruleTests = filesIn(RULE_TESTS_DIR, '.test.yml');

describeWithTool('promtool', 'apt-get install prometheus')('alert rules (promtool)', () => {
  it.each(filesIn(RULES_DIR, '.rules.yml').map((f) => [basename(f), f]))(
    '%s passes promtool check rules',
    async (_name, file) => {
      const { stdout } = await run('promtool', ['check', 'rules', file]);
      expect(stdout).toContain('SUCCESS');
    },
  );

  // promtool exits non-zero on any failed case; its output says which alert, at what time, expected and got.
  it.each(ruleTests.map((f) => [basename(f), f]))(
    '%s passes promtool test rules',
    async (_name, file) => {
      const result = await run('promtool', ['test', 'rules', file], { cwd: RULE_TESTS_DIR }).catch(
        (err: { stdout?: string; stderr?: string }) => {
          throw new Error(
            `promtool test rules ${basename(file)} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`,
          );
        },
      );
      expect(result.stdout).toContain('SUCCESS');
    },
    120_000,
  );
});

it('every alert has a runbook line and summary, and is tested both firing and silent', () => {
  const cases = ruleTests.flatMap((file) => {
    const doc = parse(readFileSync(file, 'utf8')) as RuleTestFile;
    return doc.tests.flatMap((t) => t.alert_rule_test ?? []);
  });
  const alerts = loadRules().filter((r) => r.alert);
  expect(alerts.length).toBeGreaterThan(0);
  for (const rule of alerts) {
    expect(rule.annotations?.runbook, rule.alert).toMatch(/\S.{40,}/);
    expect(rule.annotations?.runbook, `${rule.alert}: one line`).not.toContain('\n');
    expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    const own = cases.filter((c) => c.alertname === rule.alert);
    expect(
      own.some((c) => c.exp_alerts.length > 0),
      `${rule.alert} has no test where it fires`,
    ).toBe(true);
    expect(
      own.some((c) => c.exp_alerts.length === 0),
      `${rule.alert} has no test where it must stay silent`,
    ).toBe(true);
  }
});
