import { dashboardJson } from './panels.ts';
import { platformDashboard } from './platform.ts';
import { receiverDashboard } from './receiver.ts';

/** The dashboards by file name in observability/grafana/dashboards/. */
export function dashboards(): Record<string, ReturnType<typeof dashboardJson>> {
  return {
    'bookflow-platform.json': dashboardJson(platformDashboard),
    'bookflow-receiver.json': dashboardJson(receiverDashboard),
  };
}

/** The file's exact text: two-space JSON and a final newline, as committed. */
export function dashboardText(json: unknown): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}
