import { generateSecret, signStandard } from '@bookflow/events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import zapier from 'zapier-platform-core';
import App from '../src/index.ts';

// Anything can be posted to a Zap's hook URL. Whatever arrives, perform answers an empty list
// (no Zap run) unless it carries a valid signature of the subscription's secret: it never throws,
// so Zapier never reports an error for a stranger's request.

const appTester = zapier.createAppTester(App);
type Fn = (z: unknown, bundle: unknown) => unknown;
const perform = (App.triggers as unknown as Record<string, { operation: { perform: Fn } }>).meeting_booked!
  .operation.perform;
const secret = generateSecret();
const subscribeData = { id: 'ep_fuzz', secret };

const headerName = fc.constantFrom(
  'Http-Webhook-Id',
  'Http-Webhook-Timestamp',
  'Http-Webhook-Signature',
  'Content-Type',
  'Http-X-Other',
);
const rawRequest = fc.record(
  {
    headers: fc.dictionary(headerName, fc.string({ maxLength: 200 })),
    content: fc.oneof(fc.string({ maxLength: 500 }), fc.json()),
  },
  { requiredKeys: [] },
);

describe('hook requests that do not verify', () => {
  it('are dropped, whatever their headers and body', async () => {
    await fc.assert(
      fc.asyncProperty(rawRequest, async (raw) => {
        const out = await appTester(perform as never, { subscribeData, rawRequest: raw } as never);
        expect(out).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('signed with the right secret but not a meeting.booked envelope, are dropped too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.json(), fc.constant('{"type":"meeting.booked","data":null}')),
        async (body) => {
          const timestamp = Math.floor(Date.now() / 1000);
          const headers = {
            'Http-Webhook-Id': 'msg_1',
            'Http-Webhook-Timestamp': String(timestamp),
            'Http-Webhook-Signature': signStandard([secret], 'msg_1', timestamp, body),
          };
          const out = (await appTester(
            perform as never,
            {
              subscribeData,
              rawRequest: { headers, content: body },
            } as never,
          )) as unknown[];
          expect(out).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
