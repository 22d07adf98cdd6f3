import { EVENT_TYPES } from '@bookflow/events';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { apiUrl } from '../api.ts';

/**
 * "Replay dead letters for an endpoint": the platform's bulk replay (POST /v1/deliveries/replay)
 * limited to one endpoint, optionally to one event type and a time window.
 */
export const replayDeadLetters = {
  key: 'replay_dead_letters',
  noun: 'Dead Letter',
  display: {
    label: 'Replay Dead Letters for an Endpoint',
    description: 'Sends the dead deliveries of one endpoint again, oldest first.',
  },
  operation: {
    inputFields: [
      { key: 'endpoint_id', label: 'Endpoint', required: true, dynamic: 'endpoint_list.id.name' },
      {
        key: 'event_type',
        label: 'Event Type',
        required: false,
        choices: Object.fromEntries(EVENT_TYPES.map((t) => [t, t])),
        helpText: 'Only dead letters of this type; empty for all.',
      },
      {
        key: 'since',
        label: 'Since',
        type: 'datetime' as const,
        required: false,
        helpText: 'Only events accepted at or after this time.',
      },
    ],
    async perform(z: ZObject, bundle: Bundle) {
      const { endpoint_id, event_type, since } = bundle.inputData as Record<string, string | undefined>;
      const response = await z.request({
        url: apiUrl(bundle, '/v1/deliveries/replay'),
        method: 'POST',
        body: {
          status: 'dead',
          endpoint_id,
          ...(event_type ? { event_type } : {}),
          ...(since ? { since: new Date(since).toISOString() } : {}),
        },
      });
      const result = response.data as { queued: number; has_more: boolean };
      return { endpoint_id, queued: result.queued, has_more: result.has_more };
    },
    sample: { endpoint_id: 'ep_example', queued: 3, has_more: false },
    outputFields: [
      { key: 'endpoint_id', label: 'Endpoint ID' },
      { key: 'queued', label: 'Deliveries Queued', type: 'integer' as const },
      { key: 'has_more', label: 'More to Replay', type: 'boolean' as const },
    ],
  },
};
