import { ensureDashboardBuilt } from '../scripts/ensure-built.ts';

/**
 * Vitest global setup: builds the dashboard once before the test files run, so the browser tests
 * (which may run in parallel) never build it side by side into the same folder.
 */
export default async function setup(): Promise<void> {
  await ensureDashboardBuilt();
}
