import { catalogue, type EventType, isEventType } from '@bookflow/events';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { findTextProblems } from '../db/text-checks.ts';
import { ApiError } from '../errors/catalogue.ts';

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

/** Throws the problem the API answers for an unknown type or data that breaks the type's schema. */
export function assertValidEvent(type: string, data: unknown): asserts type is EventType {
  if (!isEventType(type)) {
    throw new ApiError(
      'unknown_event_type',
      `"${type}" is not an event type; GET /v1/event-types lists them`,
    );
  }
  assertStorableEventData(data);
  const validate = validatorFor(type);
  if (!validate(data)) {
    const errors = (validate.errors ?? []).slice(0, 20).map((e) => ({
      path: `data${e.instancePath.replaceAll('/', '.')}`,
      message: e.message ?? 'is invalid',
    }));
    throw new ApiError(
      'invalid_event_data',
      `data does not match the ${type} schema: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      { errors },
    );
  }
}

/**
 * Refuses data a receiver could not store as sent: a NUL or a lone surrogate anywhere, keys
 * included. The platform itself could keep them (the envelope is stored as escaped JSON text), but
 * a receiver keeping the payload as jsonb cannot, and would fail every attempt until the dead
 * letter; refusing at publish tells the one who can fix it.
 */
export function assertStorableEventData(data: unknown): void {
  const errors = findTextProblems(data, 'data');
  if (errors.length === 0) return;
  throw new ApiError(
    'invalid_event_data',
    `data holds text no receiver can store: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
    { errors },
  );
}
