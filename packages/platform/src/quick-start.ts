/**
 * The first-event walkthrough, printed by `npm start` and shown in the README's quick start. One
 * source, so the two never drift apart (a test compares the README with this output).
 */
export function quickStartSteps(baseUrl: string, adminTokenExpression: string): string[] {
  const json = (expression: string) => `node -pe 'JSON.parse(require("fs").readFileSync(0))${expression}'`;
  return [
    `ADMIN=${adminTokenExpression}`,
    '# 1. an account: its API key is shown once',
    `KEY=$(curl -s -X POST ${baseUrl}/v1/accounts -H "Authorization: Bearer $ADMIN" \\`,
    `        -H 'content-type: application/json' -d '{"name":"Acme"}' | ${json('.api_key')})`,
    '# 2. an endpoint subscribed to meeting.booked: its signing secret is shown once',
    `SECRET=$(curl -s -X POST ${baseUrl}/v1/endpoints -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\`,
    `        -d '{"url":"http://127.0.0.1:3000/webhooks/bookflow","event_types":["meeting.booked"]}' \\`,
    `        | ${json('.secret')})`,
    '# 3. the reference receiver (verifies, dedupes, logs each event), in a third terminal, with the',
    '#    secret that `echo $SECRET` prints: BOOKFLOW_WEBHOOK_SECRETS=whsec_... npm run receiver',
    "# 4. publish the catalogue's example meeting.booked; a repeated Idempotency-Key returns the first",
    '#    answer and sends nothing, so give every new event a new key',
    `DATA=$(curl -s ${baseUrl}/v1/event-types \\`,
    `        | node -pe 'JSON.stringify(JSON.parse(require("fs").readFileSync(0)).data.find(t => t.type === "meeting.booked").example)')`,
    `curl -s -X POST ${baseUrl}/v1/events -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\`,
    `     -H 'Idempotency-Key: first-event' -d "{\\"type\\":\\"meeting.booked\\",\\"data\\":$DATA}"`,
    '# 5. the deliveries, newest first: a summary each (status, attempt count, last status code and error)',
    `curl -s ${baseUrl}/v1/deliveries -H "Authorization: Bearer $KEY"`,
    '# 6. one delivery with its attempts: status code, duration and response body of each',
    `DELIVERY=$(curl -s "${baseUrl}/v1/deliveries?limit=1" -H "Authorization: Bearer $KEY" | ${json('.data[0].id')})`,
    `curl -s ${baseUrl}/v1/deliveries/$DELIVERY -H "Authorization: Bearer $KEY"`,
  ];
}

/** What to try next, after the steps; the same words in the README and the start-up banner. */
export function quickStartNext(): string[] {
  return [
    'To watch the retries, stop the receiver and publish again with a new key',
    "(`-H 'Idempotency-Key: second-event'`); `BOOKFLOW_RETRY_SCHEDULE=5s,5s,5s,5s,5s,5s npm start`",
    'makes the schedule short enough to see the dead letter. Once the receiver is back,',
    '`POST /v1/deliveries/replay` (no body: every dead letter) sends them again.',
  ];
}
