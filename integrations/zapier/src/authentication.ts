import type { Bundle, ZObject } from 'zapier-platform-core';
import { apiUrl } from './api.ts';

/** The account's API key (live or test) and the platform's address; the test names the account. */
export const authentication = {
  type: 'custom' as const,
  fields: [
    {
      key: 'api_key',
      label: 'API Key',
      type: 'password' as const,
      required: true,
      helpText:
        'An API key of your BookFlow account (POST /v1/api-keys creates one). A test key works for the sandbox.',
    },
    {
      key: 'api_url',
      label: 'BookFlow API URL',
      type: 'string' as const,
      required: true,
      helpText: 'The address of your BookFlow webhooks platform, e.g. https://webhooks.example.com',
    },
  ],
  async test(z: ZObject, bundle: Bundle) {
    const response = await z.request({ url: apiUrl(bundle, '/v1/account') });
    return response.data as { id: string; name: string };
  },
  connectionLabel: (_z: ZObject, bundle: Bundle) => String(bundle.inputData.name ?? ''),
};
