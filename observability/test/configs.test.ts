import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OBSERVABILITY } from './support/paths.ts';
import { describeWithTool } from './support/tools.ts';

// The compose file, Grafana's provisioning and the CloudWatch agent's configuration cannot be run
// here (no Docker daemon, no Grafana, no AWS): they are parsed and their references followed.

const run = promisify(execFile);
const file = (path: string) => join(OBSERVABILITY, path);
const yamlOf = <T>(path: string) => parse(readFileSync(file(path), 'utf8')) as T;

interface Compose {
  services: Record<string, { image: string; volumes?: string[]; command?: string[]; ports?: string[] }>;
}
interface PrometheusConfig {
  rule_files?: string[];
  scrape_configs: Array<{
    job_name: string;
    metrics_path?: string;
    static_configs: Array<{ targets: string[] }>;
  }>;
}

const compose = yamlOf<Compose>('docker-compose.yml');

/** host path (relative to observability/) → container path, for the bind mounts of a service. */
function mounts(service: string): Array<{ host: string; container: string }> {
  return (compose.services[service]?.volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [host, container] = v.split(':');
      return { host: host!, container: container! };
    });
}

/** The host file or folder mounted at a container path (or inside a mounted folder). */
function hostPathOf(service: string, containerPath: string): string | null {
  for (const m of mounts(service)) {
    if (containerPath === m.container) return file(m.host);
    if (containerPath.startsWith(`${m.container}/`))
      return join(file(m.host), containerPath.slice(m.container.length + 1));
  }
  return null;
}

/** Files matching a rule_files glob of the form dir/*.suffix. */
function globFiles(pattern: string): string[] {
  const dir = dirname(pattern);
  const suffix = basename(pattern).replace('*', '');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(suffix)) : [];
}

const RULE_JOBS = ['bookflow-platform', 'bookflow-receiver'];

describe('docker-compose.yml', () => {
  it('starts Prometheus and Grafana, and every file it mounts exists', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'prometheus']);
    for (const service of Object.keys(compose.services)) {
      for (const m of mounts(service)) expect(existsSync(file(m.host)), `${service}: ${m.host}`).toBe(true);
    }
  });

  it("gives Prometheus the rules and a retention long enough for the volume rule's four weeks", () => {
    const config = yamlOf<PrometheusConfig>('prometheus/prometheus.docker.yml');
    expect(hostPathOf('prometheus', '/etc/prometheus/prometheus.yml')).toBe(
      file('prometheus/prometheus.docker.yml'),
    );
    for (const pattern of config.rule_files ?? []) {
      const host = hostPathOf('prometheus', pattern);
      expect(host, pattern).not.toBeNull();
      expect(globFiles(host!).sort()).toEqual(['platform.rules.yml', 'receiver.rules.yml']);
    }
    const retention = compose.services.prometheus!.command!.find((c) =>
      c.startsWith('--storage.tsdb.retention.time='),
    );
    expect(Number.parseInt(retention!.split('=')[1]!, 10)).toBeGreaterThanOrEqual(29);
    expect(config.scrape_configs.map((s) => s.job_name)).toEqual(RULE_JOBS);
  });

  it("provisions Grafana's data source (the compose Prometheus) and the dashboards folder", () => {
    const ds = yamlOf<{ datasources: Array<{ type: string; url: string }> }>(
      'grafana/provisioning/datasources/prometheus.yml',
    );
    expect(ds.datasources[0]!.type).toBe('prometheus');
    expect(Object.keys(compose.services)).toContain(new URL(ds.datasources[0]!.url).hostname);
    const dash = yamlOf<{ providers: Array<{ options: { path: string } }> }>(
      'grafana/provisioning/dashboards/bookflow.yml',
    );
    const host = hostPathOf('grafana', dash.providers[0]!.options.path);
    expect(host).toBe(file('grafana/dashboards'));
    expect(
      readdirSync(host!)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(['bookflow-platform.json', 'bookflow-receiver.json']);
    for (const provisioning of ['datasources', 'dashboards']) {
      expect(hostPathOf('grafana', `/etc/grafana/provisioning/${provisioning}`)).not.toBeNull();
    }
  });
});

describe('prometheus.yml (without Docker)', () => {
  it('loads both rule files and scrapes the jobs the rules name', () => {
    const config = yamlOf<PrometheusConfig>('prometheus/prometheus.yml');
    for (const pattern of config.rule_files ?? []) {
      expect(globFiles(file(join('prometheus', pattern))).length, pattern).toBe(2);
    }
    expect(config.scrape_configs.map((s) => s.job_name)).toEqual(RULE_JOBS);
  });
});

describe('CloudWatch agent', () => {
  const agent = JSON.parse(readFileSync(file('cloudwatch/amazon-cloudwatch-agent.json'), 'utf8'));
  const prometheus = agent.logs.metrics_collected.prometheus;

  it('scrapes both /metrics endpoints with the shipped Prometheus scrape configuration', () => {
    expect(basename(prometheus.prometheus_config_path)).toBe('prometheus.yaml');
    const scrape = yamlOf<PrometheusConfig>('cloudwatch/prometheus.yaml');
    expect(scrape.scrape_configs.map((s) => [s.job_name, s.metrics_path])).toEqual([
      ['bookflow-platform', '/metrics'],
      ['bookflow-receiver', '/metrics'],
    ]);
  });

  it('declares metrics only for those jobs, each with the job among its dimensions', () => {
    const declarations = prometheus.emf_processor.metric_declaration as Array<{
      label_matcher: string;
      dimensions: string[][];
      metric_selectors: string[];
    }>;
    expect(declarations.length).toBeGreaterThan(0);
    for (const d of declarations) {
      expect(
        RULE_JOBS.some((job) => new RegExp(d.label_matcher).test(job)),
        d.label_matcher,
      ).toBe(true);
      for (const dims of d.dimensions) expect(dims).toContain('job');
      for (const s of d.metric_selectors) expect(() => new RegExp(s)).not.toThrow();
    }
  });
});

describeWithTool('promtool', 'apt-get install prometheus')('promtool check config', () => {
  it.each(['prometheus/prometheus.yml', 'prometheus/prometheus.docker.yml', 'cloudwatch/prometheus.yaml'])(
    '%s is a valid Prometheus configuration',
    async (path) => {
      expect(statSync(file(path)).isFile()).toBe(true);
      const { stdout } = await run('promtool', ['check', 'config', '--syntax-only', file(path)]);
      expect(stdout).toContain('SUCCESS');
    },
  );
});
