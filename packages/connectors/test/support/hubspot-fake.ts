import type { IncomingMessage, ServerResponse } from 'node:http';
import { text } from 'node:stream/consumers';
import { ScriptableFake } from './local-fake.ts';

/** One CRM object as the fake keeps it: HubSpot's v3 shape, with its associations to contacts. */
export interface FakeObject {
  id: string;
  properties: Record<string, string>;
  contactIds: string[];
  associationTypeIds: number[];
}

const OBJECT_TYPES = ['contacts', 'meetings', 'notes', 'calls'] as const;
type ObjectType = (typeof OBJECT_TYPES)[number];

// The documented association type ids from each engagement to a contact.
const ASSOCIATION_TO_CONTACT: Record<string, number> = { meetings: 200, notes: 202, calls: 194 };

class BadRequest extends Error {}

function checkProperties(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest('properties must be an object');
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      throw new BadRequest(`Property values were not valid: ${key} must be a string`);
  }
  return value as Record<string, string>;
}

/**
 * A local HubSpot that implements the v3 CRM endpoints the connector uses, as HubSpot documents
 * them: contacts search (filterGroups OR'd, filters AND'd, EQ), create, read and update of
 * contacts, meetings, notes and calls, associations given at create. It checks the bearer token
 * and the bodies (properties as strings, association types the documented ones) and answers
 * HubSpot's error shape; tests script 429s with Retry-After, 5xx and 4xx in front of any route.
 */
export class HubSpotFake extends ScriptableFake {
  readonly objects: Record<ObjectType, Map<string, FakeObject>> = {
    contacts: new Map(),
    meetings: new Map(),
    notes: new Map(),
    calls: new Map(),
  };
  #nextId = 1000;

  constructor(readonly token = 'pat-test-token') {
    super();
  }

  /** Forgets every object, request and script (the token stays). */
  override reset(): void {
    super.reset();
    for (const map of Object.values(this.objects)) map.clear();
  }

  list(type: ObjectType): FakeObject[] {
    return [...this.objects[type].values()];
  }

  protected override send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  #error(
    res: ServerResponse,
    status: number,
    category: string,
    message: string,
    headers?: Record<string, string>,
  ): void {
    this.send(res, status, { status: 'error', message, correlationId: 'fake', category }, headers);
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const body = await text(req);
    const record = (status: number) => this.record(req.method, path, status);
    if (this.answerScripted(req, res, path, { status: 'error', message: 'scripted', category: 'SCRIPTED' }))
      return;
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      record(401);
      return this.#error(res, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    }
    try {
      const [status, answer] = this.#route(req.method ?? 'GET', path, body);
      record(status);
      this.send(res, status, answer);
    } catch (error) {
      const status = error instanceof BadRequest ? 400 : 404;
      record(status);
      this.#error(
        res,
        status,
        status === 400 ? 'VALIDATION_ERROR' : 'OBJECT_NOT_FOUND',
        (error as Error).message,
      );
    }
  }

  #route(method: string, path: string, raw: string): [number, unknown] {
    const match = /^\/crm\/v3\/objects\/(contacts|meetings|notes|calls)(?:\/([^/]+))?$/.exec(path);
    if (!match) throw new Error(`no route ${method} ${path}`);
    const type = match[1] as ObjectType;
    const id = match[2];
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    if (method === 'POST' && id === 'search') return [200, this.#search(type, body)];
    if (method === 'POST' && !id) return [201, this.#view(this.#create(type, body))];
    const object = id ? this.objects[type].get(id) : undefined;
    if (!object) throw new Error(`resource not found: ${type} ${id}`);
    if (method === 'GET') return [200, this.#view(object)];
    if (method === 'PATCH') {
      Object.assign(object.properties, checkProperties(body.properties));
      return [200, this.#view(object)];
    }
    throw new Error(`no route ${method} ${path}`);
  }

  #create(type: ObjectType, body: Record<string, unknown>): FakeObject {
    const properties = checkProperties(body.properties);
    const associations = (body.associations ?? []) as Array<{ to?: { id?: unknown }; types?: unknown }>;
    if (!Array.isArray(associations)) throw new BadRequest('associations must be an array');
    const object: FakeObject = {
      id: String(this.#nextId++),
      properties: { ...properties },
      contactIds: [],
      associationTypeIds: [],
    };
    for (const association of associations) {
      const contactId = String(association.to?.id ?? '');
      if (!this.objects.contacts.has(contactId))
        throw new BadRequest(`association target contact ${contactId} does not exist`);
      const types = association.types as Array<{
        associationCategory?: unknown;
        associationTypeId?: unknown;
      }>;
      if (!Array.isArray(types) || types.length === 0) throw new BadRequest('association types are required');
      for (const t of types) {
        if (
          t.associationCategory !== 'HUBSPOT_DEFINED' ||
          t.associationTypeId !== ASSOCIATION_TO_CONTACT[type]
        ) {
          throw new BadRequest(
            `association type ${String(t.associationTypeId)} is not valid from ${type} to contacts`,
          );
        }
        object.associationTypeIds.push(t.associationTypeId as number);
      }
      object.contactIds.push(contactId);
    }
    if (type === 'meetings' && !properties.hs_timestamp) throw new BadRequest('hs_timestamp is required');
    if (type === 'notes' && !properties.hs_note_body) throw new BadRequest('hs_note_body is required');
    this.objects[type].set(object.id, object);
    return object;
  }

  #search(type: ObjectType, body: Record<string, unknown>): unknown {
    const groups = (body.filterGroups ?? []) as Array<{
      filters: Array<{ propertyName: string; operator: string; value: string }>;
    }>;
    if (groups.length > 5) throw new BadRequest('at most 5 filterGroups');
    const results = this.list(type).filter(
      (o) =>
        groups.length === 0 ||
        groups.some((g) =>
          g.filters.every((f) => {
            if (f.operator !== 'EQ') throw new BadRequest(`operator ${f.operator} not supported by the fake`);
            return (o.properties[f.propertyName] ?? '').toLowerCase() === String(f.value).toLowerCase();
          }),
        ),
    );
    return { total: results.length, results: results.map((o) => this.#view(o)) };
  }

  #view(object: FakeObject): unknown {
    const now = new Date().toISOString();
    return { id: object.id, properties: object.properties, createdAt: now, updatedAt: now, archived: false };
  }
}
