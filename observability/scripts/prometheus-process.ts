import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RULES = fileURLToPath(new URL('../prometheus/rules/', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Debian's `prometheus` in a temporary folder, scraping the given targets every 2 s with the
 * project's rule files loaded (the same jobs as prometheus.yml), so graphs fill within minutes.
 */
export async function startPrometheus(targets: { platform: string; receiver: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'bookflow-prometheus-'));
  const port = await freePort();
  const host = (url: string) => new URL(url).host;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '2s', evaluation_interval: '5s' },
      rule_files: [join(RULES, '*.rules.yml')],
      scrape_configs: [
        { job_name: 'bookflow-platform', static_configs: [{ targets: [host(targets.platform)] }] },
        { job_name: 'bookflow-receiver', static_configs: [{ targets: [host(targets.receiver)] }] },
      ],
    }),
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 100) throw new Error('prometheus did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
