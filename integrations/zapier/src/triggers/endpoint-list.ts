import type { Bundle, ZObject } from 'zapier-platform-core';
import { apiUrl } from '../api.ts';

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
}

/** A hidden trigger that fills the endpoint dropdown of "Replay dead letters": one page of 250, named by description or URL. */
export const endpointList = {
  key: 'endpoint_list',
  noun: 'Endpoint',
  display: { label: 'Endpoints', description: 'The endpoints of the account, for dropdowns.', hidden: true },
  operation: {
    async perform(z: ZObject, bundle: Bundle) {
      const response = await z.request({ url: apiUrl(bundle, '/v1/endpoints'), params: { limit: '250' } });
      return (response.data as { data: Endpoint[] }).data.map((e) => ({
        id: e.id,
        name: e.description ? `${e.description} (${e.url})` : e.url,
      }));
    },
    sample: { id: 'ep_example', name: 'https://example.com/webhooks' },
    outputFields: [
      { key: 'id', label: 'Endpoint ID' },
      { key: 'name', label: 'Name' },
    ],
  },
};
