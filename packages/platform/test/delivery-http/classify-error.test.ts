import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/delivery/http/index.ts';
import { DestinationForbiddenError } from '../../src/destinations/index.ts';

function err(code: string, message = `boom ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyError', () => {
  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'connect_timeout'],
    ['ETIMEDOUT', 'connect_timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_ABORTED', 'timeout'],
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['EPIPE', 'connection_reset'],
    ['UND_ERR_SOCKET', 'connection_reset'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['EPROTO', 'tls'],
    ['EHOSTUNREACH', 'network'],
    ['ERR_INVALID_URL', 'invalid_url'],
  ])('%s is %s', (code, kind) => {
    expect(classifyError(err(code)).kind).toBe(kind);
  });

  it('reads a TimeoutError DOMException (numeric code) as a timeout', () => {
    expect(classifyError(new DOMException('too slow', 'TimeoutError'))).toEqual({
      kind: 'timeout',
      message: 'too slow',
    });
  });

  it('finds the code on a cause or inside an AggregateError', () => {
    expect(classifyError(new TypeError('fetch failed', { cause: err('ECONNREFUSED') })).kind).toBe(
      'connection_refused',
    );
    const aggregate = new AggregateError([err('ECONNREFUSED'), err('ECONNREFUSED')], 'all addresses failed');
    expect(classifyError(aggregate).kind).toBe('connection_refused');
  });

  it('reads an SSRF refusal anywhere in the tree as destination_forbidden, message as written', () => {
    const refusal = new DestinationForbiddenError(
      'destination x.test resolves to 10.0.0.5, ...',
      'x.test',
      '10.0.0.5',
    );
    const expected = { kind: 'destination_forbidden', message: refusal.message };
    expect(classifyError(refusal)).toEqual(expected);
    expect(classifyError(new TypeError('fetch failed', { cause: refusal }))).toEqual(expected);
    // It wins over a timeout or reset reported beside it.
    expect(classifyError(new AggregateError([err('ECONNRESET'), refusal]))).toEqual(expected);
  });

  it('appends the code when the message lacks it, and bounds the length', () => {
    expect(classifyError(err('ECONNRESET', 'socket hang up')).message).toBe('socket hang up (ECONNRESET)');
    expect(classifyError(err('ECONNRESET', 'x'.repeat(5_000))).message.length).toBeLessThanOrEqual(500);
  });

  it('treats anything else as network and survives non-errors', () => {
    expect(classifyError(new Error('weird'))).toEqual({ kind: 'network', message: 'weird' });
    expect(classifyError('a string').kind).toBe('network');
    expect(classifyError(null).kind).toBe('network');
  });
});
