export type { EndpointHealthDecision } from './decide.ts';
export { decideEndpointHealth, describeDuration } from './decide.ts';
export { assessFailure, lockIfEnabled, markFailingSince } from './failing.ts';
