import { catalogue, EVENT_TYPES, type EventType, SCHEMA_VERSION } from '@bookflow/events';
import { ENVELOPE_FIELDS, type SchemaField, schemaFields } from '../../shared/schema-fields.ts';
import { manifest } from './manifest.ts';
import { CONNECTION, codeFiles, componentName, kebab, moduleOf } from './names.ts';

/**
 * The Make custom app, as the files of Make's local development layout (makecomapp.json and the
 * .iml.json codes it names), built from the event catalogue: one webhook and one instant trigger
 * per event type, each trigger's output interface from the type's JSON Schema. `npm run generate
 * -w integrations/make` writes them; a test fails while the files on disk differ from this.
 */

export type Files = Record<string, unknown>;

export const keyOf = (path: readonly string[]) => path.join('__');

/** Make's interface types: dates as date, lists as arrays of their item type. */
export function interfaceItem(field: SchemaField) {
  const scalar = {
    string: 'text',
    integer: 'number',
    number: 'number',
    boolean: 'boolean',
    datetime: 'date',
  }[field.type];
  const base = { name: keyOf(field.path), label: field.label };
  return field.list ? { ...base, type: 'array', spec: { type: scalar } } : { ...base, type: scalar };
}

/** Every field an event of `type` shows in a scenario: the envelope, then each leaf of `data`. */
export function fieldsOf(type: EventType): { field: SchemaField; source: string[] }[] {
  return [
    ...ENVELOPE_FIELDS.map((field) => ({ field, source: field.path })),
    ...schemaFields(catalogue[type].schema).map((field) => ({ field, source: ['data', ...field.path] })),
  ];
}

/** IML that reads one value of the delivered envelope, e.g. {{body.data.lead.name}}. */
const read = (source: string[]) => `{{body.${source.join('.')}}}`;

function general(): Files {
  return {
    'general/base.iml.json': {
      baseUrl: '{{connection.apiUrl}}',
      headers: { authorization: 'Bearer {{connection.apiKey}}' },
      response: { error: { message: '[{{statusCode}}] {{ifempty(body.detail; body.title)}}' } },
      log: { sanitize: ['request.headers.authorization', 'response.body.secret'] },
    },
    'general/common.json': {},
    'general/groups.json': [
      { label: 'Events', modules: EVENT_TYPES.map(moduleOf) },
      { label: 'Actions', modules: ['publishEvent'] },
    ],
  };
}

function connection(): Files {
  const files = codeFiles('connections', kebab(CONNECTION), ['communication', 'params']);
  return {
    [files.communication!]: {
      url: '{{parameters.apiUrl}}/v1/account',
      headers: { authorization: 'Bearer {{parameters.apiKey}}' },
      response: {
        metadata: { type: 'text', value: '{{body.name}}' },
        error: { message: '[{{statusCode}}] {{body.detail}}' },
      },
      log: { sanitize: ['request.headers.authorization'] },
    },
    [files.params!]: [
      {
        name: 'apiKey',
        type: 'password',
        label: 'API Key',
        required: true,
        help: 'An API key of your BookFlow account; a test key works for the sandbox.',
      },
      {
        name: 'apiUrl',
        type: 'url',
        label: 'BookFlow API URL',
        required: true,
        help: 'The address of your BookFlow webhooks platform, e.g. https://webhooks.example.com',
      },
    ],
  };
}

/** The webhook of one type: attach creates the endpoint (tagged as Make's), detach deletes it. */
function webhook(type: EventType): Files {
  const name = kebab(componentName(type));
  const files = codeFiles('webhooks', name, ['communication', 'params', 'attach', 'detach']);
  return {
    [files.communication!]: { output: '{{body}}' },
    [files.params!]: [],
    [files.attach!]: {
      url: '/v1/endpoints',
      method: 'POST',
      type: 'json',
      // Pinned to the version the module's interface was generated from, whatever the account's default.
      body: {
        url: '{{webhook.url}}',
        event_types: [type],
        schema_version: SCHEMA_VERSION,
        description: `Make: ${type} trigger`,
      },
      response: { data: { externalHookId: '{{body.id}}', secret: '{{body.secret}}' } },
    },
    [files.detach!]: { url: '/v1/endpoints/{{webhook.externalHookId}}', method: 'DELETE' },
  };
}

/** The instant trigger of one type: the delivered envelope, flat, under the interface's names. */
function triggerModule(type: EventType): Files {
  const name = kebab(moduleOf(type));
  const files = codeFiles('modules', name, [
    'communication',
    'staticParams',
    'mappableParams',
    'interface',
    'samples',
  ]);
  const fields = fieldsOf(type);
  const example: Record<string, unknown> = { ...exampleEnvelope(type) };
  return {
    [files.communication!]: {
      output: Object.fromEntries(fields.map(({ field, source }) => [keyOf(field.path), read(source)])),
    },
    [files.staticParams!]: [],
    [files.mappableParams!]: [],
    [files.interface!]: fields.map(({ field }) => interfaceItem(field)),
    [files.samples!]: Object.fromEntries(
      fields.map(({ field, source }) => [keyOf(field.path), valueAt(example, source) ?? null]),
    ),
  };
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function exampleEnvelope(type: EventType) {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    type,
    created_at: '2026-04-10T17:30:00.000Z',
    account_id: 'acct_example',
    schema_version: '2026-04-10',
    data: catalogue[type].example,
  };
}

function publishEvent(): Files {
  const files = codeFiles('modules', 'publish-event', [
    'communication',
    'staticParams',
    'mappableParams',
    'interface',
    'samples',
  ]);
  return {
    [files.communication!]: {
      url: '/v1/events',
      method: 'POST',
      type: 'json',
      headers: { 'idempotency-key': '{{ifempty(parameters.idempotencyKey; undefined)}}' },
      body: { type: '{{parameters.eventType}}', data: '{{parseJson(parameters.data)}}' },
      response: { output: { id: '{{body.id}}', type: '{{parameters.eventType}}' } },
    },
    [files.staticParams!]: [],
    [files.mappableParams!]: [
      {
        name: 'eventType',
        type: 'select',
        label: 'Event Type',
        required: true,
        options: 'rpc://listEventTypes',
      },
      {
        name: 'data',
        type: 'text',
        label: 'Data (JSON)',
        required: true,
        help: "The event's data object as JSON.",
      },
      {
        name: 'idempotencyKey',
        type: 'text',
        label: 'Idempotency Key',
        required: false,
        help: 'Publishing twice with the same key sends the event once.',
      },
    ],
    [files.interface!]: [
      { name: 'id', type: 'text', label: 'Event ID' },
      { name: 'type', type: 'text', label: 'Event Type' },
    ],
    [files.samples!]: { id: '00000000-0000-4000-8000-000000000000', type: 'meeting.booked' },
  };
}

function listEventTypes(): Files {
  const files = codeFiles('rpcs', 'list-event-types', ['communication', 'params']);
  return {
    [files.communication!]: {
      url: '/v1/event-types',
      method: 'GET',
      response: { iterate: '{{body.data}}', output: { label: '{{item.type}}', value: '{{item.type}}' } },
    },
    [files.params!]: [],
  };
}

/** Custom IML function: the Data field's JSON text as the object the API expects. */
export const PARSE_JSON_CODE = `// biome-ignore lint/correctness/noUnusedVariables: Make calls the function by its name
function parseJson(text) {
  // Make's IML has no JSON parser; a mapped JSON text becomes the event's data object here.
  return JSON.parse(text);
}
`;

/** Every file of the app, path (relative to integrations/make/app) → content. */
export function makeApp(): Record<string, string> {
  const json: Files = {
    'makecomapp.json': manifest(),
    ...general(),
    ...connection(),
    ...Object.assign({}, ...EVENT_TYPES.map(webhook)),
    ...Object.assign({}, ...EVENT_TYPES.map(triggerModule)),
    ...publishEvent(),
    ...listEventTypes(),
  };
  const files: Record<string, string> = {};
  for (const [path, content] of Object.entries(json)) files[path] = `${JSON.stringify(content, null, 2)}\n`;
  files['functions/parse-json/parse-json.code.js'] = PARSE_JSON_CODE;
  files['general/readme.md'] = README;
  return files;
}

const README = `# BookFlow for Make

Instant triggers for every BookFlow event type (each creates a BookFlow endpoint for the scenario's
webhook when the scenario is turned on, and deletes it when it is turned off), and a Publish an
Event action for testing a scenario. Connect with an API key of your account and your platform's
address.
`;
