// npm run observability:screenshots — pictures of the Grafana dashboards' queries on real traffic.
//
// Grafana cannot be installed on the machine that builds this project, so these are Prometheus'
// own renderings (its classic /graph page) of every query of each dashboard, one graph per
// query, laid out by dashboard row and captioned with the Grafana panel's title. The traffic: a live platform and receiver
// kit (observability/test/support/live-stack.ts) driven by the voice-agent simulator, with one
// endpoint down, one disabled and one handler failing now and then, scraped by Debian's prometheus.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, runSimulation } from '@bookflow/simulator';
import { chromium } from 'playwright-core';
import { DASHBOARD_SPECS } from '../grafana/src/index.ts';
import { startLiveStack } from '../test/support/live-stack.ts';
import { composedPage, renderDashboard } from './prometheus-graphs.ts';
import { startPrometheus } from './prometheus-process.ts';

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
/** Simulated calling window and pace: 10 simulated minutes at 3× real time, about 3.5 real minutes. */
const SIMULATED_MS = 10 * 60_000;
const SPEED = 3;

async function main() {
  const stack = await startLiveStack({ retryScheduleMs: [2_000, 5_000, 10_000] });
  const prometheus = await startPrometheus({ platform: stack.platformUrl, receiver: stack.receiverUrl });
  const started = Date.now();
  try {
    console.log(`platform ${stack.platformUrl}, receiver ${stack.receiverUrl}, prometheus ${prometheus.url}`);
    // Now and then a sender's retry (dedupe hit) and a request signed with the wrong secret.
    const extras = setInterval(() => void stack.drive(1).catch(() => {}), 20_000);
    const report = await runSimulation(
      {
        ...DEFAULTS,
        url: stack.platformUrl,
        apiKey: stack.apiKey,
        rate: 0.5,
        durationMs: SIMULATED_MS,
        speed: SPEED,
        drain: false,
        quiet: true,
      },
      { progress: (line) => console.log(line) },
    );
    clearInterval(extras);
    console.log(`simulator: ${report.sent} events sent, ${report.failures.length} failed`);
    // Let the last deliveries, retries and scrapes land.
    await new Promise((r) => setTimeout(r, 20_000));
    await capture(prometheus.url, Math.ceil((Date.now() - started) / 60_000));
  } finally {
    await prometheus.stop();
    await stack.stop();
  }
}

async function capture(prometheusUrl: string, minutes: number) {
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    for (const [file, dashboard] of Object.entries(DASHBOARD_SPECS)) {
      const graphs = await renderDashboard(browser, prometheusUrl, dashboard, minutes);
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.setContent(composedPage(dashboard.title, graphs), { waitUntil: 'load' });
      const path = `${OUT}observability-${file.replace('bookflow-', '').replace('.json', '')}.png`;
      await page.screenshot({ path, fullPage: true });
      console.log(`wrote ${path}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

await main();
