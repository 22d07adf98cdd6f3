// The receiver kit's public API, free of any framework and database driver. Adapters and stores
// that need one are subpaths: @bookflow/receiver/express, /fastify, /fetch (Hono, Next.js),
// /postgres, /pglite, /redis, so an application loads only what it uses.

export { WebhookVerificationError } from '@bookflow/events';
// Stores
export { MissingDriverError } from '@bookflow/pg';
export type { Alerter, DeadLetterAlert, VolumeAlert } from './alerts/alert.ts';
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
export { MAX_NESTING_DEPTH } from './intake/json-depth.ts';
export { HEADERS_OF_INTEREST } from './intake/parse-envelope.ts';
export { type AckResponse, PROBLEMS, type ProblemCode } from './intake/problems.ts';
export type { AcceptOutcome, DeadLetter, IncomingJob, Job, QueueDepth } from './jobs/job.ts';
// Ledger, dead letter, alerts, metrics, logging
export type { Ledger, LedgerEntry } from './ledger/ledger.ts';
export { type ReceiverLogger, silentLogger } from './logging/logger.ts';
export { ReceiverMetrics } from './metrics/metrics.ts';
export { createReceiver, Receiver, type ReceiverOptions } from './receiver.ts';
export { MemoryStore, type MemoryStoreOptions } from './stores/memory/memory-store.ts';
export {
  type ClaimOptions,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_VOLUME_RETENTION_MS,
  DEFAULT_VOLUME_RETENTION_WEEKS,
  type HourlyCount,
  MAX_VOLUME_WEEKS,
  type ReceiverStore,
} from './stores/store.ts';
export {
  type SignatureScheme,
  type VerificationOptions,
  type VerifiedDelivery,
  verifyDelivery,
} from './verification/verify-delivery.ts';
// Volume anomaly check
export {
  DEFAULT_VOLUME_CHECK_DELAY_MS,
  VOLUME_CHECK_DELAY_LIMIT_MS,
  VolumeCheck,
  type VolumeCheckOptions,
  type VolumeTypeResult,
} from './volume/check.ts';
export { decideVolumeAlert, type VolumeAction } from './volume/decide.ts';
export {
  judgeVolume,
  type TypeVolume,
  type VolumeJudgement,
  type VolumeVerdict,
  volumeBaseline,
} from './volume/judge.ts';
export { DEFAULT_VOLUME_POLICY, type VolumePolicy } from './volume/policy.ts';
// Handlers
export type {
  AnyEventHandler,
  EventHandler,
  EventTypeIn,
  HandlerContext,
  ReceivedEvent,
  UnknownEvent,
  VersionedEvent,
  VersionedEventHandler,
} from './worker/handlers.ts';
export {
  DEFAULT_RETRY_POLICY,
  decideAfterFailure,
  type FailureDecision,
  NonRetryableError,
  type RetryPolicy,
} from './worker/retry-policy.ts';
export { DEFAULT_WORKER_OPTIONS, type WorkerOptions } from './worker/worker.ts';
