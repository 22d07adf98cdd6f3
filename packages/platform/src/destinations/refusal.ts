/**
 * The error every layer of the SSRF guard raises (lookup, literal check, socket check), so the
 * sender can recognise a refusal wherever in undici's error tree it ends up and record it as
 * `destination_forbidden` with this message, which is written to be shown to the account.
 */

export const DESTINATION_FORBIDDEN_CODE = 'ERR_BOOKFLOW_DESTINATION_FORBIDDEN';

const LIFT_HINT =
  'refused by the SSRF guard (BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS=true lifts it in development)';

/** Host names come from customer URLs; a bound keeps a 2,000-character name out of every message. */
const MAX_HOST = 253;

export class DestinationForbiddenError extends Error {
  override readonly name = 'DestinationForbiddenError';
  readonly code = DESTINATION_FORBIDDEN_CODE;

  constructor(
    message: string,
    /** The URL host as the customer wrote it (for names) or the literal address. */
    readonly host: string,
    /** The refused address; null when the refusal is not about an address (https required). */
    readonly address: string | null,
  ) {
    super(message);
  }
}

function shortHost(host: string): string {
  return host.length > MAX_HOST ? `${host.slice(0, MAX_HOST)}...` : host;
}

/** `http://10.0.0.5/`: the URL itself names a forbidden address. */
export function literalRefusal(address: string, reason: string): DestinationForbiddenError {
  return new DestinationForbiddenError(`destination ${address} is ${reason}; ${LIFT_HINT}`, address, address);
}

/** `http://hooks.example.com/` whose DNS answer contains a forbidden address. */
export function resolvedRefusal(host: string, address: string, reason: string): DestinationForbiddenError {
  return new DestinationForbiddenError(
    `destination ${shortHost(host)} resolves to ${address}, ${reason}; ${LIFT_HINT}`,
    host,
    address,
  );
}

/** The socket ended up connected to a forbidden address: closed before a byte was sent. */
export function connectedRefusal(host: string, address: string, reason: string): DestinationForbiddenError {
  return new DestinationForbiddenError(
    `destination ${shortHost(host)} connected to ${address}, ${reason}; connection closed, ${LIFT_HINT}`,
    host,
    address,
  );
}

/** `http://localhost/` and `*.localhost` (RFC 6761: always loopback). */
export function localhostRefusal(host: string): DestinationForbiddenError {
  return new DestinationForbiddenError(
    `destination ${shortHost(host)} is a loopback name; ${LIFT_HINT}`,
    host,
    null,
  );
}

export function httpsRequiredRefusal(host: string): DestinationForbiddenError {
  return new DestinationForbiddenError(
    `destination ${shortHost(host)} uses http:, refused because https is required (BOOKFLOW_REQUIRE_HTTPS=true)`,
    host,
    null,
  );
}
