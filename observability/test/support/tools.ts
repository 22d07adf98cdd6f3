import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';

/** Whether a command is on PATH (Debian's prometheus package installs promtool and prometheus there). */
export function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` when the tool is installed. Without it: under CI=true the test file fails (CI must run
 * these; .ci/run installs the tool), elsewhere it is skipped after a loud warning, like the
 * dashboard's browser tests without chromium.
 */
export function describeWithTool(command: string, install: string) {
  if (onPath(command)) return describe;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but ${command} is not installed: ${install} (.ci/run does it)`);
  }
  console.warn(`\n!! ${command.toUpperCase()} TESTS SKIPPED: ${command} is not installed (${install})\n`);
  return describe.skip;
}
