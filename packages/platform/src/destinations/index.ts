export type { AddressVerdict } from './address-policy.ts';
export { isForbiddenAddress } from './address-policy.ts';
export type { DestinationCheck, DestinationOptions, HttpUrl } from './destination-url.ts';
export { checkDestinationUrl, parseHttpUrl, refuseUrl, urlHost } from './destination-url.ts';
export type { GuardedLookupOptions, Resolver } from './guarded-lookup.ts';
export { guardedLookup, systemResolver } from './guarded-lookup.ts';
export { DESTINATION_FORBIDDEN_CODE, DestinationForbiddenError } from './refusal.ts';
