// The receiver kit's public API. Everything a consumer needs is exported from here.

export { WebhookVerificationError } from '@bookflow/events';
export {
  type Db,
  fromPGlite,
  fromPgPool,
  type PGliteAdapterOptions,
  type PgAdapterOptions,
  type Queryable,
  type QueryResult,
} from '@bookflow/pg';
export { DEFAULT_BODY_LIMIT } from './adapters/body-limit.ts';
export { bookflowExpress, captureRawBody, type ExpressWebhookOptions } from './adapters/express.ts';
// Framework adapters
export { bookflowFastify, type FastifyWebhookOptions } from './adapters/fastify.ts';
export { createFetchHandler, type FetchHandler, type FetchHandlerOptions } from './adapters/fetch.ts';
export type { Alerter, DeadLetterAlert } from './alerts/alert.ts';
export {
  AlertDeliveryError,
  PAGERDUTY_EVENTS_URL,
  PagerDutyAlerter,
  type PagerDutyAlerterOptions,
} from './alerts/pagerduty.ts';
export { SlackAlerter, type SlackAlerterOptions } from './alerts/slack.ts';
export { DeadLetters } from './dead-letter/dead-letters.ts';
// Request path
export type { DeliveryRequest } from './intake/accept-delivery.ts';
export { HEADERS_OF_INTEREST } from './intake/parse-envelope.ts';
export { type AckResponse, PROBLEMS, type ProblemCode } from './intake/problems.ts';
export type { AcceptOutcome, DeadLetter, IncomingJob, Job, QueueDepth } from './jobs/job.ts';
// Ledger, dead letter, alerts, metrics, logging
export type { Ledger, LedgerEntry } from './ledger/ledger.ts';
export { type ReceiverLogger, silentLogger } from './logging/logger.ts';
export { ReceiverMetrics } from './metrics/metrics.ts';
export { createReceiver, Receiver, type ReceiverOptions } from './receiver.ts';
export { MemoryStore, type MemoryStoreOptions } from './stores/memory/memory-store.ts';
export { migrate } from './stores/postgres/migrate.ts';
export { PostgresStore, type PostgresStoreOptions } from './stores/postgres/postgres-store.ts';
export { RedisStore, type RedisStoreOptions } from './stores/redis/redis-store.ts';
// Stores
export { type ClaimOptions, DEFAULT_DEDUPE_TTL_MS, type ReceiverStore } from './stores/store.ts';
export {
  type SignatureScheme,
  type VerificationOptions,
  type VerifiedDelivery,
  verifyDelivery,
} from './verification/verify-delivery.ts';
// Handlers
export type {
  AnyEventHandler,
  EventHandler,
  HandlerContext,
  ReceivedEvent,
  UnknownEvent,
} from './worker/handlers.ts';
export {
  DEFAULT_RETRY_POLICY,
  decideAfterFailure,
  type FailureDecision,
  NonRetryableError,
  type RetryPolicy,
} from './worker/retry-policy.ts';
export type { WorkerOptions } from './worker/worker.ts';
