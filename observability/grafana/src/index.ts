import { type Dashboard, dashboardJson } from './panels.ts';
import { platformDashboard } from './platform.ts';
import { receiverDashboard } from './receiver.ts';

/** The dashboards' descriptions by the name of their file in observability/grafana/dashboards/. */
export const DASHBOARD_SPECS: Record<string, Dashboard> = {
  'bookflow-platform.json': platformDashboard,
  'bookflow-receiver.json': receiverDashboard,
};

/** The dashboards' JSON by file name. */
export function dashboards(): Record<string, ReturnType<typeof dashboardJson>> {
  return Object.fromEntries(
    Object.entries(DASHBOARD_SPECS).map(([file, spec]) => [file, dashboardJson(spec)]),
  );
}

/** The file's exact text: two-space JSON and a final newline, as committed. */
export function dashboardText(json: unknown): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}
