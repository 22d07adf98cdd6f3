/**
 * The answers the page reads, by the names its components use: each is the type generated from
 * the OpenAPI document the platform serves (@bookflow/api-types), never a copy written here.
 */
import type { Answer, Schema } from '@bookflow/api-types';

export type Session = Answer<'getDashboardSession'>;
export type Endpoint = Schema<'Endpoint'>;
export type Catalogue = Answer<'listEventTypes'>;
export type EventTypeInfo = Catalogue['data'][number];
export type Attempt = Schema<'Attempt'>;
export type Delivery = Schema<'Delivery'>;
export type DeliveryWithAttempts = Schema<'DeliveryWithAttempts'>;
export type EndpointPage = Answer<'listEndpoints'>;
export type DeliveryPage = Answer<'listDeliveries'>;
export type Stats = Answer<'getStats'>;
export type NotificationSettings = Answer<'getNotificationSettings'>;
/** An attempt result from the live stream (GET /v1/stream, event `attempt.finished`). */
export type LiveAttempt = Schema<'AttemptFinished'>;
