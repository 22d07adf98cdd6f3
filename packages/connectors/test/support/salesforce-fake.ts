import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { text } from 'node:stream/consumers';
import { ScriptableFake } from './local-fake.ts';

export type FakeRecord = Record<string, unknown> & { Id: string };

const PREFIX: Record<string, string> = {
  Lead: '00Q',
  Contact: '003',
  Task: '00T',
  FeedItem: '0D5',
  User: '005',
};
const TASK_STATUSES = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'];
const LEAD_STATUSES = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Unqualified'];

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** `Field = 'value' AND Other = true` as jsforce's findOne writes it. */
function parseWhere(where: string): Array<[string, unknown]> {
  return where.split(/\s+AND\s+/i).map((condition) => {
    const match = /^(\w+)\s*=\s*(.+)$/.exec(condition.trim());
    if (!match) throw new ApiError(400, 'MALFORMED_QUERY', `unexpected condition ${condition}`);
    const raw = match[2]!.trim();
    const value = raw.startsWith("'")
      ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
      : raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : Number(raw);
    return [match[1]!, value];
  });
}

/**
 * A local Salesforce implementing what the connector uses, as the REST API documents it: the
 * OAuth 2.0 token endpoint (password and JWT bearer grants), SOQL queries of the form jsforce's
 * findOne writes, sObject create/update, upsert by external id, the composite API (allOrNone),
 * 401 INVALID_SESSION_ID for an unknown or revoked token, and Sforce-Limit-Info on every answer.
 * Bodies are checked (required fields, picklists, references that must exist).
 */
export class SalesforceFake extends ScriptableFake {
  readonly records: Record<string, Map<string, FakeRecord>> = {
    Lead: new Map(),
    Contact: new Map(),
    Task: new Map(),
    FeedItem: new Map(),
    User: new Map(),
  };
  readonly logins: string[] = [];
  readonly clientId = 'fake-consumer-key';
  readonly clientSecret = 'fake-consumer-secret';
  readonly username = 'integration@acme.example';
  readonly password = 'password+token';
  /** Refuses every session, even a fresh one (a revoked integration user). */
  refuseAllSessions = false;
  apiUsed = 0;
  readonly #tokens = new Set<string>();
  #next = 1;
  override reset(): void {
    super.reset();
    for (const [type, map] of Object.entries(this.records)) if (type !== 'User') map.clear();
    this.refuseAllSessions = false;
  }

  /** Every session issued so far stops working (as when a token expires). */
  expireSessions(): void {
    this.#tokens.clear();
  }

  addUser(email: string): string {
    const id = this.#id('User');
    this.records.User!.set(id, { Id: id, Email: email, IsActive: true });
    return id;
  }

  list(type: string): FakeRecord[] {
    return [...(this.records[type]?.values() ?? [])];
  }

  #id(type: string): string {
    return `${PREFIX[type] ?? '001'}${String(this.#next++).padStart(12, '0')}AAA`;
  }

  protected override send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'sforce-limit-info': `api-usage=${this.apiUsed}/15000`,
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await text(req);
    const record = (status: number) => this.record(req.method, url.pathname, status);
    if (this.answerScripted(req, res, url.pathname, [{ errorCode: 'SCRIPTED', message: 'scripted' }])) return;
    try {
      if (url.pathname === '/services/oauth2/token') {
        const answer = this.#token(new URLSearchParams(raw));
        record(200);
        return this.send(res, 200, answer);
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (this.refuseAllSessions || !this.#tokens.has(token))
        throw new ApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      this.apiUsed++;
      const [status, body] = this.#route(req.method ?? 'GET', url, raw ? JSON.parse(raw) : undefined);
      record(status);
      this.send(res, status, body);
    } catch (error) {
      const e =
        error instanceof ApiError ? error : new ApiError(400, 'JSON_PARSER_ERROR', (error as Error).message);
      record(e.status);
      this.send(res, e.status, [{ message: e.message, errorCode: e.errorCode, fields: [] }]);
    }
  }

  #token(form: URLSearchParams): unknown {
    const grant = form.get('grant_type');
    if (form.get('client_id') !== this.clientId)
      throw new ApiError(400, 'invalid_client_id', 'client identifier invalid');
    if (grant === 'password') {
      if (
        form.get('client_secret') !== this.clientSecret ||
        form.get('username') !== this.username ||
        form.get('password') !== this.password
      ) {
        throw new ApiError(400, 'invalid_grant', 'authentication failure');
      }
    } else if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const [, payload] = (form.get('assertion') ?? '').split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
      if (claims.iss !== this.clientId || claims.sub !== this.username || typeof claims.exp !== 'number') {
        throw new ApiError(400, 'invalid_grant', 'invalid assertion');
      }
    } else {
      throw new ApiError(400, 'unsupported_grant_type', `grant type not supported: ${grant}`);
    }
    const token = randomBytes(12).toString('hex');
    this.#tokens.add(token);
    this.logins.push(String(grant));
    return {
      access_token: token,
      instance_url: this.url,
      id: `${this.url}/id/00D000000000001AAA/005000000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      signature: 'fake',
    };
  }

  #route(method: string, url: URL, body: Record<string, unknown> | undefined): [number, unknown] {
    const path = url.pathname.replace(/^\/services\/data\/v\d+\.\d+/, '');
    if (method === 'GET' && path === '/query') return [200, this.#query(url.searchParams.get('q') ?? '')];
    if (method === 'POST' && path === '/composite') return [200, this.#composite(body ?? {})];
    const upsert = /^\/sobjects\/Lead\/BookFlow_Lead_Id__c\/(.+)$/.exec(path);
    if (method === 'PATCH' && upsert) return this.#upsertLead(decodeURIComponent(upsert[1]!), body ?? {});
    const match = /^\/sobjects\/(\w+)(?:\/(\w+))?$/.exec(path);
    if (!match) throw new ApiError(404, 'NOT_FOUND', `The requested resource does not exist: ${path}`);
    const [, type, id] = match;
    if (method === 'POST' && !id)
      return [201, { id: this.#create(type!, body ?? {}), success: true, errors: [] }];
    if (method === 'PATCH' && id) {
      this.#update(type!, id, body ?? {});
      return [204, undefined];
    }
    throw new ApiError(404, 'NOT_FOUND', `no route ${method} ${path}`);
  }

  #validate(type: string, fields: Record<string, unknown>, creating: boolean): void {
    if (type === 'Lead' && creating && (!fields.LastName || !fields.Company)) {
      throw new ApiError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName, Company]');
    }
    if (type === 'Lead' && fields.Status !== undefined && !LEAD_STATUSES.includes(String(fields.Status))) {
      throw new ApiError(
        400,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `Lead Status: bad value for restricted picklist field: ${String(fields.Status)}`,
      );
    }
    if (type === 'Task') {
      if (creating && !fields.Subject)
        throw new ApiError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Subject]');
      if (fields.Status !== undefined && !TASK_STATUSES.includes(String(fields.Status))) {
        throw new ApiError(
          400,
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `Status: bad value for restricted picklist field: ${String(fields.Status)}`,
        );
      }
      if (fields.ActivityDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(fields.ActivityDate))) {
        throw new ApiError(400, 'INVALID_FIELD', 'ActivityDate must be a date');
      }
      const who = fields.WhoId === undefined ? null : String(fields.WhoId);
      if (who && !this.records.Lead!.has(who) && !this.records.Contact!.has(who))
        throw new ApiError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id: ${who}`);
      if (fields.OwnerId !== undefined && !this.records.User!.has(String(fields.OwnerId)))
        throw new ApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid owner');
    }
    if (type === 'FeedItem') {
      const parent = String(fields.ParentId ?? '');
      if (!fields.Body || (!this.records.Lead!.has(parent) && !this.records.Contact!.has(parent))) {
        throw new ApiError(
          400,
          'INVALID_CROSS_REFERENCE_KEY',
          'FeedItem needs a Body and an existing ParentId',
        );
      }
    }
  }

  #create(type: string, fields: Record<string, unknown>): string {
    if (!this.records[type]) throw new ApiError(404, 'NOT_FOUND', `sObject type '${type}' is not supported`);
    this.#validate(type, fields, true);
    const id = this.#id(type);
    this.records[type]!.set(id, { ...fields, Id: id });
    return id;
  }

  #update(type: string, id: string, fields: Record<string, unknown>): void {
    const existing = this.records[type]?.get(id);
    if (!existing)
      throw new ApiError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${id}`,
      );
    this.#validate(type, fields, false);
    Object.assign(existing, fields);
  }

  #upsertLead(externalId: string, fields: Record<string, unknown>): [number, unknown] {
    const existing = this.list('Lead').find((l) => l.BookFlow_Lead_Id__c === externalId);
    if (existing) {
      this.#update('Lead', existing.Id, fields);
      return [200, { id: existing.Id, success: true, errors: [], created: false }];
    }
    const id = this.#create('Lead', { ...fields, BookFlow_Lead_Id__c: externalId });
    return [201, { id, success: true, errors: [], created: true }];
  }

  #query(soql: string): unknown {
    const match = /^SELECT\s+([\w, ]+)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+LIMIT\s+(\d+))?$/i.exec(
      soql.trim(),
    );
    if (!match) throw new ApiError(400, 'MALFORMED_QUERY', `unexpected query: ${soql}`);
    const [, select, type, where, limit] = match;
    const conditions = where ? parseWhere(where) : [];
    const found = this.list(type!)
      .filter((r) =>
        conditions.every(([f, v]) =>
          typeof v === 'string' ? String(r[f] ?? '').toLowerCase() === v.toLowerCase() : r[f] === v,
        ),
      )
      .slice(0, limit ? Number(limit) : undefined);
    const fields = select!.split(',').map((f) => f.trim());
    return {
      totalSize: found.length,
      done: true,
      records: found.map((r) => ({
        attributes: { type, url: `/services/data/v62.0/sobjects/${type}/${r.Id}` },
        ...Object.fromEntries(fields.map((f) => [f, r[f] ?? null])),
      })),
    };
  }

  #composite(body: Record<string, unknown>): unknown {
    const requests = (body.compositeRequest ?? []) as Array<{
      method: string;
      url: string;
      referenceId: string;
      body?: Record<string, unknown>;
    }>;
    const created: Array<[string, string]> = [];
    const responses: Array<{
      body: unknown;
      httpHeaders: object;
      httpStatusCode: number;
      referenceId: string;
    }> = [];
    for (const sub of requests) {
      try {
        const [status, answer] = this.#route(sub.method, new URL(sub.url, 'http://fake'), sub.body);
        const id = (answer as { id?: string } | undefined)?.id;
        const type = /sobjects\/(\w+)/.exec(sub.url)?.[1];
        if (sub.method === 'POST' && id && type) created.push([type, id]);
        responses.push({
          body: answer ?? null,
          httpHeaders: {},
          httpStatusCode: status,
          referenceId: sub.referenceId,
        });
      } catch (error) {
        const e = error as ApiError;
        if (body.allOrNone) {
          for (const [type, id] of created) this.records[type]!.delete(id);
          return {
            compositeResponse: requests.map((r) => ({
              body: [
                {
                  errorCode: r.referenceId === sub.referenceId ? e.errorCode : 'PROCESSING_HALTED',
                  message: r.referenceId === sub.referenceId ? e.message : 'The transaction was rolled back',
                },
              ],
              httpHeaders: {},
              httpStatusCode: 400,
              referenceId: r.referenceId,
            })),
          };
        }
        responses.push({
          body: [{ errorCode: e.errorCode, message: e.message }],
          httpHeaders: {},
          httpStatusCode: e.status ?? 400,
          referenceId: sub.referenceId,
        });
      }
    }
    return { compositeResponse: responses };
  }
}
