export type { EndpointHealthDecision, EndpointHealthInput } from './decide.ts';
export { decideEndpointHealth, describeDuration } from './decide.ts';
export {
  assessFailure,
  type EndpointHealthState,
  lockIfEnabled,
  markFailingSince,
  readEndpointHealth,
} from './failing.ts';
