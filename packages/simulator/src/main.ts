import { parseOptions, type RunOptions, USAGE } from './options.ts';
import { type RunReport, runSimulation } from './run.ts';
import { renderSummary } from './summary.ts';

// `npm run simulate -- [options]`: see USAGE in options.ts and the README's "Simulate a voice agent".

/** Checks the key before sending thousands of events with it, and says which mode it publishes in. */
async function whoAmI(options: RunOptions): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${options.url}/v1/account`, {
      headers: { authorization: `Bearer ${options.apiKey}` },
    });
  } catch (err) {
    throw new Error(
      `cannot reach the platform at ${options.url} (${(err as Error).message}); start it with npm start`,
    );
  }
  if (res.status === 401)
    throw new Error('the API key is unknown or revoked; create one (see the README quick start)');
  if (!res.ok) throw new Error(`GET /v1/account answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const account = (await res.json()) as { id: string; name: string; mode?: string };
  return `${account.name} (${account.id}, ${account.mode ?? 'live'} mode)`;
}

function footer(report: RunReport, options: RunOptions): string {
  const lines = [
    `simulated ${report.simulatedFrom.toISOString()} → ${report.simulatedTo.toISOString()} in ${(report.realMs / 1000).toFixed(1)} s`,
    options.dryRun
      ? `dry run: ${report.tally.events} events generated, none sent`
      : `${report.sent} events accepted by ${options.url}, ${report.failures.length} failed`,
  ];
  if (report.skippedCalls > 0) {
    lines.push(`${report.skippedCalls} calls not placed: no lead left to call (raise --leads)`);
  }
  const byCode = new Map<string, number>();
  for (const f of report.failures)
    byCode.set(`${f.status ?? '-'} ${f.code}`, (byCode.get(`${f.status ?? '-'} ${f.code}`) ?? 0) + 1);
  for (const [code, n] of byCode) lines.push(`  failed: ${n} × ${code}`);
  for (const f of report.failures.slice(0, 3)) lines.push(`  e.g. ${f.type}: ${f.detail}`);
  lines.push(`stream sha256 ${report.hash} (seed ${options.seed})`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  let options: RunOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(
      `simulate: ${(err as Error).message}\n(npm run simulate -- --help lists the options)\n`,
    );
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!options.dryRun) {
    try {
      process.stderr.write(`publishing to ${options.url} as ${await whoAmI(options)}\n`);
    } catch (err) {
      process.stderr.write(`simulate: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const quiet = options.quiet;
  const report = await runSimulation(options, {
    progress: (line) => quiet || process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${renderSummary(report.tally)}\n\n${footer(report, options)}\n`);
  return report.failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
