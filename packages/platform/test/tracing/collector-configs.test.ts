import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The operator's config examples in observability/otel/ parse, and every pipeline is wired to
// components that are defined: a Collector refuses to start on a pipeline naming an unknown one.

const read = (file: string) =>
  parse(readFileSync(new URL(`../../../../observability/otel/${file}`, import.meta.url), 'utf8'));

interface CollectorConfig {
  receivers: Record<string, unknown>;
  processors?: Record<string, unknown>;
  exporters: Record<string, Record<string, unknown>>;
  connectors?: Record<string, unknown>;
  service: { pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
}

/** Every name a pipeline uses is defined; connectors count as exporters and receivers both. */
function expectWired(config: CollectorConfig) {
  const connectors = Object.keys(config.connectors ?? {});
  for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
    for (const r of pipeline.receivers)
      expect([...Object.keys(config.receivers), ...connectors], name).toContain(r);
    for (const p of pipeline.processors ?? [])
      expect(Object.keys(config.processors ?? {}), name).toContain(p);
    for (const e of pipeline.exporters)
      expect([...Object.keys(config.exporters), ...connectors], name).toContain(e);
  }
  // A connector must be an exporter of one pipeline and a receiver of another, or it is an error.
  for (const c of connectors) {
    const pipelines = Object.values(config.service.pipelines);
    expect(pipelines.some((p) => p.exporters.includes(c))).toBe(true);
    expect(pipelines.some((p) => p.receivers.includes(c))).toBe(true);
  }
}

/** The traces pipeline takes OTLP over HTTP on 4318, where OTEL_EXPORTER_OTLP_ENDPOINT points. */
function expectOtlpHttpIntake(config: CollectorConfig) {
  const otlp = config.receivers.otlp as { protocols: { http: { endpoint: string } } };
  expect(otlp.protocols.http.endpoint).toMatch(/:4318$/);
  expect(config.service.pipelines.traces?.receivers).toContain('otlp');
}

describe('OpenTelemetry Collector examples', () => {
  it('collector-datadog-exporter.yaml: OTLP in, the Datadog exporter out, trace metrics via the connector', () => {
    const config = read('collector-datadog-exporter.yaml') as CollectorConfig;
    expectWired(config);
    expectOtlpHttpIntake(config);
    expect(config.service.pipelines.traces!.exporters).toEqual(['datadog/connector', 'datadog']);
    expect(config.service.pipelines.metrics!.receivers).toEqual(['datadog/connector']);
    // The key comes from the environment, never written in the file.
    expect((config.exporters.datadog!.api as { key: string }).key).toMatch(/^\$\{env:DD_API_KEY\}$/);
  });

  it('collector-to-datadog-agent.yaml: OTLP in, OTLP/HTTP out to the Agent’s intake', () => {
    const config = read('collector-to-datadog-agent.yaml') as CollectorConfig;
    expectWired(config);
    expectOtlpHttpIntake(config);
    expect(config.service.pipelines.traces!.exporters).toEqual(['otlphttp/datadog-agent']);
    expect(String(config.exporters['otlphttp/datadog-agent']!.endpoint)).toMatch(/^http:\/\/.+:4318$/);
  });

  it('datadog-agent-otlp.yaml opens the Agent’s OTLP/HTTP intake on 4318 for traces', () => {
    const agent = read('datadog-agent-otlp.yaml');
    expect(agent.otlp_config.receiver.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(agent.otlp_config.traces.enabled).toBe(true);
  });
});
