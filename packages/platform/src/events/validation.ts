import { catalogue, type EventType, isEventType } from '@bookflow/events';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { findTextProblems, type TextProblem } from '../db/text-checks.ts';
import { isPlatformEventType, type PlatformEventType } from './platform-event-types.ts';

// ajv-formats is CommonJS: at run time the default import is the plugin itself, while its types
// describe the module object; this line reconciles the two.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);

const validators = new Map<EventType, ValidateFunction>();

function validatorFor(type: EventType): ValidateFunction {
  let validate = validators.get(type);
  if (!validate) {
    validate = ajv.compile(catalogue[type].schema as object);
    validators.set(type, validate);
  }
  return validate;
}

/** Why event data was refused: the route answers `invalid_event_data` with these paths. */
export type DataRefusal =
  | { reason: 'schema_mismatch'; type: EventType; errors: TextProblem[] }
  | { reason: 'unstorable_text'; errors: TextProblem[] };

export type EventCheck =
  | { ok: true; type: EventType }
  | { ok: false; reason: 'unknown_event_type'; type: string }
  /** trial.ending and usage.threshold: the platform produces them (platform-events/). */
  | { ok: false; reason: 'reserved_event_type'; type: PlatformEventType }
  | ({ ok: false } & DataRefusal);

/**
 * Checks an event as published: a known type that callers may publish, data the type's schema (in
 * the newest version: publishing takes no other) accepts and a receiver can store.
 */
export function checkEvent(type: string, data: unknown): EventCheck {
  if (!isEventType(type)) return { ok: false, reason: 'unknown_event_type', type };
  if (isPlatformEventType(type)) return { ok: false, reason: 'reserved_event_type', type };
  const unstorable = checkStorableEventData(data);
  if (unstorable) return { ok: false, ...unstorable };
  const validate = validatorFor(type);
  if (validate(data)) return { ok: true, type };
  const errors = (validate.errors ?? []).slice(0, 20).map((e) => ({
    path: `data${e.instancePath.replaceAll('/', '.')}`,
    message: e.message ?? 'is invalid',
  }));
  return { ok: false, reason: 'schema_mismatch', type, errors };
}

/**
 * Refuses data a receiver could not store as sent: a NUL or a lone surrogate anywhere, keys
 * included. The platform itself could keep them (the envelope is stored as escaped JSON text), but
 * a receiver keeping the payload as jsonb cannot, and would fail every attempt until the dead
 * letter; refusing at publish tells the one who can fix it. Null when the data can be stored.
 */
export function checkStorableEventData(data: unknown): DataRefusal | null {
  const errors = findTextProblems(data, 'data');
  return errors.length === 0 ? null : { reason: 'unstorable_text', errors };
}
