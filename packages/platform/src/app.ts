import type { Db } from '@bookflow/pg';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApi } from './api/server.ts';
import type { PlatformConfig } from './config/config.ts';
import { openDatabase } from './db/open.ts';
import { createSender, type Sender } from './delivery/http/index.ts';
import { DeliveryWorker } from './delivery/worker/worker.ts';
import { ListenHub } from './listen/hub.ts';
import { createLogger } from './logging/logger.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { createNotifier, deliveryNotices } from './notifications/index.ts';
import { type Clock, systemClock } from './platform-events/trial-ending.ts';
import { TrialScheduler } from './platform-events/trial-scheduler.ts';
import { RetentionJob } from './retention/job.ts';
import { SecretBox } from './secrets/secret-box.ts';
import { tracingOn } from './tracing/trace-context.ts';

export interface Platform {
  config: PlatformConfig;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  /** Present when the api role runs. */
  api: FastifyInstance | null;
  /** Present when the worker role runs. */
  worker: DeliveryWorker | null;
  /** Present when the worker role runs: emits trial.ending when due. */
  trials: TrialScheduler | null;
  /** Starts listening (api) and claiming (worker). */
  start(): Promise<void>;
  /** Graceful: stops taking requests and claims, lets in-flight attempts finish, closes the database. */
  stop(): Promise<void>;
}

export interface PlatformOverrides {
  db?: Db;
  logger?: Logger;
  sender?: Sender;
  /** The time the trial scheduler reads (a fake clock in tests). */
  clock?: Clock;
}

/** The composition root: everything is wired here and nowhere else. */
export async function createPlatform(
  config: PlatformConfig,
  overrides: PlatformOverrides = {},
): Promise<Platform> {
  const secretBox = new SecretBox(config.masterKey);
  const logger = overrides.logger ?? createLogger(config.logLevel, undefined, { traceIds: tracingOn() });
  const db =
    overrides.db ?? (await openDatabase(config, (err) => logger.warn({ err }, 'database connection error')));
  const metrics = createMetrics(db, { perEndpoint: config.metricsPerEndpoint });
  const notifier = createNotifier({
    pagerdutyEventsUrl: config.pagerdutyEventsUrl,
    dashboardUrl: config.publicUrl,
    logger,
  });
  // What recording an attempt needs, the same for a worker's deliveries and a CLI's.
  const attemptDeps = {
    db,
    metrics,
    // The account hears of its dead letters and disabled endpoints once they are recorded.
    onEnded: deliveryNotices({ db, notifier }),
    logger,
    secretBox,
    retryScheduleMs: config.retryScheduleMs,
    endpointDisableAfterMs: config.endpointDisableAfterMs,
  };
  // `bookflow listen` sessions: the API process holding a CLI's stream delivers to it (listen/).
  const listen = new ListenHub(attemptDeps, {
    leaseMs: config.leaseMs,
    pollIntervalMs: config.pollIntervalMs,
    answerTimeoutMs: config.totalTimeoutMs,
    ttlMs: config.listenEndpointTtlMs,
  });
  const api = config.roles.includes('api')
    ? await buildApi({ db, metrics, logger, secretBox, config, notifier, listen })
    : null;
  const sender =
    overrides.sender ??
    createSender({
      connectTimeoutMs: config.connectTimeoutMs,
      totalTimeoutMs: config.totalTimeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      connectionsPerOrigin: config.connectionsPerOrigin,
      allowPrivateDestinations: config.allowPrivateDestinations,
      requireHttps: config.requireHttps,
    });
  const worker = config.roles.includes('worker')
    ? new DeliveryWorker(
        { ...attemptDeps, sender },
        {
          batchSize: config.workerBatchSize,
          concurrency: config.workerConcurrency,
          leaseMs: config.leaseMs,
          pollIntervalMs: config.pollIntervalMs,
          reaperIntervalMs: config.reaperIntervalMs,
          connectionsPerOrigin: config.connectionsPerOrigin,
          reservedSlots: config.workerReservedSlots,
          endpointDefaults: {
            rateLimit: config.endpointDefaultRateLimit,
            maxConcurrency: config.endpointDefaultMaxConcurrency,
          },
        },
      )
    : null;

  const retention = config.roles.includes('worker')
    ? new RetentionJob(db, logger, {
        retentionMs: config.retentionMs,
        intervalMs: config.retentionIntervalMs,
      })
    : null;

  const trials = config.roles.includes('worker')
    ? new TrialScheduler(db, logger, {
        clock: overrides.clock ?? systemClock,
        intervalMs: config.trialCheckIntervalMs,
        upgradeUrl: new URL('/billing/upgrade', config.publicUrl).toString(),
      })
    : null;

  return {
    config,
    db,
    logger,
    metrics,
    api,
    worker,
    trials,
    async start() {
      if (api) {
        listen.start();
        await api.listen({ port: config.port, host: config.host });
      }
      await worker?.start();
      retention?.start();
      trials?.start();
    },
    async stop() {
      await api?.close();
      await trials?.stop();
      await listen.stop();
      await worker?.stop();
      await retention?.stop();
      await sender.close();
      if (!overrides.db) await db.close();
    },
  };
}
