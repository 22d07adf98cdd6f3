// `npm run analytics -- load | funnel`: the warehouse from the command line (see the README's
// "Wiring into your GTM stack").
import { writeFile } from 'node:fs/promises';
import { ProjectError } from '../dbt/project.ts';
import { RenderError } from '../dbt/render.ts';
import { formatFunnel } from '../funnel/format.ts';
import { LoadError, loadEnvelopes } from '../load.ts';
import { openSqlWarehouse, WarehouseUnavailableError } from '../open-warehouse.ts';
import { renderHtmlReport } from '../report/html-report.ts';
import { runFunnel } from '../run-funnel.ts';
import { type Command, parseCommand, USAGE, UsageError } from './args.ts';

async function run(command: Command): Promise<void> {
  const warehouse = await openSqlWarehouse(command);
  try {
    if (command.name === 'load') {
      const result = await loadEnvelopes(warehouse, command.file);
      process.stderr.write(
        `loaded ${result.inserted} new event(s) into ${warehouse.kind} (${result.duplicates} already there) from ${result.lines} line(s)\n`,
      );
      return;
    }
    const { rows, failedTests } = await runFunnel(warehouse, command);
    process.stdout.write(formatFunnel(rows, command.by, command.format));
    if (command.html) {
      await writeFile(command.html, await renderHtmlReport(warehouse, rows, command));
      process.stderr.write(`wrote ${command.html}\n`);
    }
    for (const test of failedTests)
      process.stderr.write(`schema test ${test.name} failed on ${test.failures} row(s)\n`);
    if (failedTests.length > 0) process.exitCode = 1;
  } finally {
    await warehouse.close();
  }
}

const EXPECTED = [UsageError, LoadError, WarehouseUnavailableError, ProjectError, RenderError];

try {
  await run(parseCommand(process.argv.slice(2), process.env));
} catch (error) {
  if (!EXPECTED.some((kind) => error instanceof kind)) throw error;
  process.stderr.write(`bookflow analytics: ${(error as Error).message}\n`);
  if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}
