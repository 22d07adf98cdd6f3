import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { filesIn, RULES_DIR } from './paths.ts';

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
}

/** Every rule of every file in observability/prometheus/rules, with the file it came from. */
export function loadRules(): Array<Rule & { file: string }> {
  return filesIn(RULES_DIR, '.rules.yml').flatMap((file) => {
    const doc = parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Rule[] }> };
    return doc.groups.flatMap((g) => g.rules.map((r) => ({ ...r, file })));
  });
}
