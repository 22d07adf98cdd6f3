// npm run observability:dashboards — writes the Grafana dashboards from observability/grafana/src/.
import { writeFileSync } from 'node:fs';
import { dashboards, dashboardText } from '../grafana/src/index.ts';

const dir = new URL('../grafana/dashboards/', import.meta.url);
for (const [file, json] of Object.entries(dashboards())) {
  writeFileSync(new URL(file, dir), dashboardText(json));
  console.log(`wrote observability/grafana/dashboards/${file}`);
}
