import { AsyncLocalStorage } from 'node:async_hooks';
import { createSign } from 'node:crypto';
import type { HandlerContext } from '@bookflow/receiver';
import { NonRetryableError } from '@bookflow/receiver';
import { Connection, OAuth2 } from '@jsforce/jsforce-node';
import type { Gauge } from 'prom-client';
import {
  type CallFailure,
  type CrmRetryPolicy,
  DEFAULT_CRM_RETRY,
  retryAfterSeconds,
} from '../retry/decide.ts';
import { type Sleep, withCrmRetries } from '../retry/with-retries.ts';

export type SalesforceAuth =
  /** OAuth 2.0 username-password flow (password = password + security token). */
  | {
      flow: 'password';
      loginUrl: string;
      clientId: string;
      clientSecret: string;
      username: string;
      password: string;
    }
  /** OAuth 2.0 JWT bearer flow: the connected app's certificate key signs the assertion. */
  | { flow: 'jwt'; loginUrl: string; clientId: string; username: string; privateKey: string };

export const SALESFORCE_API_VERSION = '62.0';

/**
 * A JWT bearer assertion (RFC 7523) as Salesforce documents it: RS256, iss = consumer key, sub =
 * user, aud = login URL, exp within 3 minutes. Written with node:crypto: three base64url parts
 * and one RSA signature, which needs no JWT library.
 */
export function jwtAssertion(auth: Extract<SalesforceAuth, { flow: 'jwt' }>, now = new Date()): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256' })}.${part({
    iss: auth.clientId,
    sub: auth.username,
    aud: auth.loginUrl,
    exp: Math.floor(now.getTime() / 1000) + 180,
  })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(auth.privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

interface Observed {
  status?: number;
  headers?: Record<string, string>;
}

export interface SalesforceSessionOptions {
  auth: SalesforceAuth;
  retry?: CrmRetryPolicy;
  sleep?: Sleep;
  /** Set from each response's Sforce-Limit-Info (api-usage=used/limit). */
  apiUsage?: { used: Gauge; limit: Gauge };
}

/**
 * One authenticated jsforce connection, re-authenticated once when Salesforce answers 401 (an
 * expired or revoked session); a second 401 right after is final (dead letter, with the reason).
 * Calls go through the same retry policy as HubSpot's.
 */
export class SalesforceSession {
  readonly #options: SalesforceSessionOptions;
  readonly #observed = new AsyncLocalStorage<Observed>();
  #connection: Promise<Connection> | undefined;

  constructor(options: SalesforceSessionOptions) {
    this.#options = options;
  }

  async #authenticate(): Promise<Connection> {
    const { auth } = this.#options;
    const oauth2 = new OAuth2({
      loginUrl: auth.loginUrl,
      clientId: auth.clientId,
      clientSecret: auth.flow === 'password' ? auth.clientSecret : undefined,
    });
    const token =
      auth.flow === 'password'
        ? await oauth2.authenticate(auth.username, auth.password)
        : await oauth2.requestToken({
            grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion: jwtAssertion(auth),
          } as never);
    // No oauth2 client on the connection: jsforce's own refresh-and-retry repeats for as long as
    // the server answers 401, where we want exactly one refresh.
    const connection = new Connection({
      instanceUrl: token.instance_url,
      accessToken: token.access_token,
      version: SALESFORCE_API_VERSION,
    });
    // jsforce's errors carry neither the HTTP status nor Retry-After, and its transport retries
    // GETs on 429 without reading Retry-After. So its transport is wrapped: its own retries off
    // (ours apply to every call), and each call's last response noted in that call's context.
    type Send = (request: unknown, options?: Record<string, unknown>) => Promise<Observed>;
    const transport = (connection as unknown as { _transport: { httpRequest: Send } })._transport;
    const send = transport.httpRequest.bind(transport);
    transport.httpRequest = (request, options) => {
      const box = this.#observed.getStore();
      const pending = send(request, { ...options, retry: { maxRetries: 0 } });
      pending.then(
        (response) => {
          if (box)
            Object.assign(box, {
              status: response.status ?? (response as { statusCode?: number }).statusCode,
              headers: response.headers,
            });
        },
        () => undefined,
      );
      return pending;
    };
    return connection;
  }

  #connect(): Promise<Connection> {
    this.#connection ??= this.#authenticate().catch((error) => {
      this.#connection = undefined;
      throw new NonRetryableError(`Salesforce login failed: ${(error as Error).message}`);
    });
    return this.#connection;
  }

  #describe(error: unknown, box: Observed): CallFailure {
    const e = error as { errorCode?: string; message?: string };
    const status = box.status ?? null;
    if (error instanceof NonRetryableError)
      return { status: 400, retryAfterSeconds: null, message: e.message ?? '' };
    return {
      status,
      retryAfterSeconds: retryAfterSeconds(box.headers?.['retry-after']),
      message:
        status === null && !e.errorCode
          ? `Salesforce unreachable: ${e.message}`
          : `Salesforce answered ${status ?? ''} ${e.errorCode ?? ''}: ${e.message ?? ''}`.replace(
              /\s+/g,
              ' ',
            ),
    };
  }

  async #once<T>(
    fn: (connection: Connection) => Promise<T>,
  ): Promise<{ value?: T; error?: unknown; box: Observed }> {
    const box: Observed = {};
    const connection = await this.#connect();
    try {
      const value = await this.#observed.run(box, () => fn(connection));
      this.#recordUsage(connection);
      return { value, box };
    } catch (error) {
      this.#recordUsage(connection);
      return { error, box };
    }
  }

  #recordUsage(connection: Connection): void {
    const usage = connection.limitInfo?.apiUsage;
    if (usage && this.#options.apiUsage) {
      this.#options.apiUsage.used.set(usage.used);
      this.#options.apiUsage.limit.set(usage.limit);
    }
  }

  /** Runs one API call: refreshes the session once on 401, retries 429/5xx, dead-letters other 4xx. */
  call<T>(what: string, ctx: HandlerContext, fn: (connection: Connection) => Promise<T>): Promise<T> {
    let lastBox: Observed = {};
    return withCrmRetries(
      what,
      async () => {
        let attempt = await this.#once(fn);
        if (attempt.box.status === 401) {
          this.#connection = undefined;
          attempt = await this.#once(fn);
          if (attempt.box.status === 401) {
            throw new NonRetryableError(
              `Salesforce rejected the session again after a refresh: ${(attempt.error as Error)?.message ?? 'unauthorised'}`,
            );
          }
        }
        lastBox = attempt.box;
        if ('error' in attempt && attempt.error !== undefined) throw attempt.error;
        return attempt.value as T;
      },
      (error) => this.#describe(error, lastBox),
      {
        policy: this.#options.retry ?? DEFAULT_CRM_RETRY,
        sleep: this.#options.sleep,
        signal: ctx.signal,
        onRetry: (failure) =>
          ctx.log.warn({ status: failure.status, what }, 'salesforce call failed, retrying'),
      },
    );
  }
}
