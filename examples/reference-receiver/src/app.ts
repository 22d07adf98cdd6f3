import type { Connector } from '@bookflow/connectors';
import {
  type Alerter,
  createReceiver,
  PagerDutyAlerter,
  type Receiver,
  type ReceiverMetrics,
  type ReceiverStore,
  SlackAlerter,
  type VolumeCheckOptions,
} from '@bookflow/receiver';
import { bookflowFastify } from '@bookflow/receiver/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ReceiverConfig } from './config/config.ts';
import { registerReferenceHandlers } from './handlers.ts';

export interface ReferenceApp {
  app: FastifyInstance;
  receiver: Receiver;
  /** Stops taking requests (answering those in flight), stops the worker, then closes the store. */
  close(): Promise<void>;
}

function alertersFrom(config: ReceiverConfig): Alerter[] {
  const alerters: Alerter[] = [];
  if (config.slackWebhookUrl) {
    alerters.push(
      new SlackAlerter({
        webhookUrl: config.slackWebhookUrl,
        replayHint: 'npm run receiver -- replay <event id>',
      }),
    );
  }
  if (config.pagerDutyRoutingKey) {
    alerters.push(new PagerDutyAlerter({ routingKey: config.pagerDutyRoutingKey, url: config.pagerDutyUrl }));
  }
  return alerters;
}

function volumeCheckFrom(config: ReceiverConfig): VolumeCheckOptions | false {
  if (!config.volumeCheck) return false;
  return {
    delayMs: config.volumeCheckDelayMs,
    weeks: config.volumeWeeks,
    minWeeks: config.volumeMinWeeks,
    dropBelow: config.volumeDropBelow,
    recoverAt: config.volumeRecoverAt,
    minExpected: config.volumeMinExpected,
  };
}

/** Builds the reference consumer around an open store: the composition root the README describes. */
export async function buildReferenceApp(
  config: ReceiverConfig,
  store: ReceiverStore,
  logger: Logger,
  connectors: readonly Connector[] = [],
  metrics?: ReceiverMetrics,
): Promise<ReferenceApp> {
  const receiver = createReceiver({
    store,
    secrets: config.secrets,
    toleranceSeconds: Math.round(config.toleranceMs / 1000),
    acceptBookFlowSignature: config.acceptBookFlowSignature,
    retry: { delaysMs: config.retryScheduleMs },
    worker: {
      concurrency: config.concurrency,
      leaseMs: config.leaseMs,
      pollIntervalMs: config.pollIntervalMs,
      reapIntervalMs: config.reapIntervalMs,
      sweepIntervalMs: config.sweepIntervalMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    },
    alerts: alertersFrom(config),
    volumeCheck: volumeCheckFrom(config),
    logger,
    metrics,
  });
  registerReferenceHandlers(receiver, connectors);

  // Request logs are off: each event is logged once by its handler, and a log line per request
  // would cost more than the rest of the acknowledgement.
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  await app.register(bookflowFastify, { receiver, path: config.path });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await receiver.metrics.expose();
    return reply.type(contentType).send(body);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      const depth = await receiver.store.depth();
      return { status: 'ready', store: receiver.store.kind, ...depth };
    } catch {
      return reply.code(503).send({ status: 'unavailable', store: receiver.store.kind });
    }
  });

  // The volume check runs whether or not this process works the queue: counts live in the store.
  if (config.worker) await receiver.start();
  else receiver.volumeCheck?.start();
  return {
    app,
    receiver,
    async close() {
      await app.close();
      await receiver.stop();
      // After the worker: a connector flushes what its last handlers handed it.
      for (const connector of connectors) await connector.close?.();
      await store.close();
    },
  };
}
