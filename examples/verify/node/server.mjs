// A BookFlow webhook receiver using only Node's standard library.
//   PORT=3000 BOOKFLOW_WEBHOOK_SECRET=whsec_... node examples/verify/node/server.mjs
// Verifies the Standard Webhooks signature (and X-BookFlow-Signature when present) over the raw
// body, answers 204 when valid and 401 with the reason when not. See docs/signing.md.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const PATH = '/webhooks/bookflow';
const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 1024 * 1024;

/** Every configured secret (several during a rotation), as HMAC keys: the base64 after `whsec_`. */
function loadKeys(value) {
  const secrets = (value ?? '').split(/\s+/).filter(Boolean);
  if (secrets.length === 0) {
    console.error('BOOKFLOW_WEBHOOK_SECRET is not set (one or more whsec_... secrets, space-separated)');
    process.exit(1);
  }
  return secrets.map((secret) => {
    const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
      console.error('BOOKFLOW_WEBHOOK_SECRET holds a value that is not whsec_<base64>');
      process.exit(1);
    }
    return Buffer.from(encoded, 'base64');
  });
}

const keys = loadKeys(process.env.BOOKFLOW_WEBHOOK_SECRET);
// For tests only: a fixed "now" (unix seconds) so a recorded request, such as the Standard
// Webhooks test vector, can be checked. Never set it in production: it disables the replay window.
const fixedNow = process.env.BOOKFLOW_VERIFY_NOW ? Number(process.env.BOOKFLOW_VERIFY_NOW) : null;
if (fixedNow !== null) console.warn(`BOOKFLOW_VERIFY_NOW is set: the clock is fixed at ${fixedNow}`);

class Rejection extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = reason;
  }
}

const hmac = (key, ...parts) => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** Constant-time: every presented entry is compared with every key's digest, and no early exit. */
function anyMatch(presented, expected) {
  let matched = false;
  for (const p of presented) {
    for (const e of expected) if (p.length === e.length && timingSafeEqual(p, e)) matched = true;
  }
  return matched;
}

/** The entries of a space-separated signature header that carry the given scheme prefix. */
function entries(header, prefix, encoding) {
  const found = header
    .trim()
    .split(/\s+/)
    .filter((e) => e.startsWith(prefix));
  if (found.length === 0) throw new Rejection('bad_format', `signature header has no "${prefix}" entry`);
  return found.map((e) => Buffer.from(e.slice(prefix.length), encoding));
}

function verifyStandard(headers, body) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  const missing = Object.entries({
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signature,
  })
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) throw new Rejection('missing_header', `missing header(s): ${missing.join(', ')}`);
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new Rejection('bad_format', 'webhook-timestamp must be integer seconds since the epoch');
  }
  const now = fixedNow ?? Math.floor(Date.now() / 1000);
  if (Number(timestamp) < now - TOLERANCE_SECONDS) {
    throw new Rejection('stale_timestamp', `webhook-timestamp is more than ${TOLERANCE_SECONDS} s old`);
  }
  if (Number(timestamp) > now + TOLERANCE_SECONDS) {
    throw new Rejection('future_timestamp', `webhook-timestamp is more than ${TOLERANCE_SECONDS} s ahead`);
  }
  const presented = entries(signature, 'v1,', 'base64');
  const expected = keys.map((key) => hmac(key, `${id}.${timestamp}.`, body));
  if (!anyMatch(presented, expected)) {
    throw new Rejection('no_matching_signature', 'no webhook-signature entry matches a configured secret');
  }
}

/** X-BookFlow-Signature: `sha256=<hex HMAC of the body>`. Checked only when the header is present. */
function verifyBookFlow(headers, body) {
  const signature = headers['x-bookflow-signature'];
  if (signature === undefined) return;
  const presented = entries(signature, 'sha256=', 'hex');
  const expected = keys.map((key) => hmac(key, body));
  if (!anyMatch(presented, expected)) {
    throw new Rejection('no_matching_signature', 'no x-bookflow-signature entry matches a configured secret');
  }
}

function answer(res, status, text) {
  res.writeHead(status, text ? { 'content-type': 'text/plain; charset=utf-8' } : {});
  res.end(text ? `${text}\n` : undefined);
}

const server = createServer((req, res) => {
  if (new URL(req.url ?? '/', 'http://localhost').pathname !== PATH) return answer(res, 404, 'not found');
  if (req.method !== 'POST') return answer(res, 405, 'method not allowed');
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      answer(res, 413, 'body too large');
      req.destroy();
    } else chunks.push(chunk);
  });
  req.on('end', () => {
    // The raw bytes, exactly as sent: re-serialising parsed JSON would change them and break the HMAC.
    const body = Buffer.concat(chunks);
    try {
      verifyStandard(req.headers, body);
      verifyBookFlow(req.headers, body);
    } catch (err) {
      if (!(err instanceof Rejection)) throw err;
      console.log(`rejected: ${err.reason}: ${err.message}`);
      return answer(res, 401, `${err.reason}: ${err.message}`);
    }
    let event;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(res, 400, 'body is not JSON');
    }
    // Process the event here (idempotently: a retry carries the same id), or queue it and answer at once.
    const id = event?.id ?? req.headers['webhook-id'];
    const type = event?.type ?? req.headers['x-bookflow-event-type'] ?? 'unknown';
    console.log(`verified ${id} ${type}`);
    answer(res, 204);
  });
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}${PATH}`);
});
