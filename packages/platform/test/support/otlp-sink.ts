import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP/JSON export carries it, with its resource's service.name. */
export interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, string | number | boolean>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{
      spans?: Array<Omit<ExportedSpan, 'service' | 'attributes'> & { attributes?: KeyValue[] }>;
    }>;
  }>;
}

function anyValue(v: AnyValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue ?? '';
}

function attributesOf(list: KeyValue[] = []): Record<string, string | number | boolean> {
  return Object.fromEntries(list.map((kv) => [kv.key, anyValue(kv.value)]));
}

/** Flattens one OTLP/JSON ExportTraceServiceRequest (the documented protobuf-JSON mapping). */
export function decodeOtlpJson(body: ExportRequest): ExportedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        name: s.name,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        attributes: attributesOf(s.attributes),
      })),
    );
  });
}

/**
 * A local OTLP/HTTP traces endpoint (POST /v1/traces, JSON as @opentelemetry/exporter-trace-otlp-http
 * sends it), answering as a Collector does; keeps the spans (or only counts them, for benchmarks).
 */
export async function startOtlpSink(options: { keep?: boolean } = {}) {
  const keep = options.keep ?? true;
  const spans: ExportedSpan[] = [];
  let exports = 0;
  let spanCount = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const decoded = decodeOtlpJson(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      exports++;
      spanCount += decoded.length;
      if (keep) spans.push(...decoded);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    counts: () => ({ exports, spans: spanCount }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
