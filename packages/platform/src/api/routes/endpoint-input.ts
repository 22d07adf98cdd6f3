// The checks an endpoint's fields get on the way in, shared by the endpoint, listen and preview
// routes: each refusal is a problem with a stable code that says what to fix.
import { EVENT_TYPES, isEventType } from '@bookflow/events';
import { checkDestinationUrl, type DestinationOptions } from '../../destinations/index.ts';
import type { VersionMismatch } from '../../endpoints/versions.ts';
import { ApiError } from '../../errors/catalogue.ts';

/** Endpoint URLs are checked by destinations/ alone; a refusal answers `invalid_url` with its reason. */
export function assertValidUrl(raw: string, policy: DestinationOptions): void {
  const destination = checkDestinationUrl(raw, policy);
  if (!destination.ok) throw new ApiError('invalid_url', destination.reason);
}

export function assertValidEventTypes(types: string[]): void {
  if (types.length === 0) {
    throw new ApiError('empty_event_types', `subscribe to at least one of: ${EVENT_TYPES.join(', ')}`);
  }
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0) {
    throw new ApiError(
      'unknown_event_type',
      `unknown event type(s): ${unknown.join(', ')}; known: ${EVENT_TYPES.join(', ')}`,
    );
  }
}

/** 422 for a subscription the endpoint's version lacks, naming the version that has it. */
export function versionMismatchProblem(mismatch: VersionMismatch): ApiError {
  return new ApiError(
    'event_type_not_in_version',
    `${mismatch.types.join(', ')} ${mismatch.types.length > 1 ? 'do' : 'does'} not exist in schema version ${mismatch.version}; ` +
      `it needs ${mismatch.requiredVersion} or newer: set "schema_version": "${mismatch.requiredVersion}" on the endpoint (PATCH upgrades it)`,
    {
      event_types: mismatch.types,
      schema_version: mismatch.version,
      required_version: mismatch.requiredVersion,
    },
  );
}
