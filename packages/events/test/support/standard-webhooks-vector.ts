/**
 * The test vector of the Standard Webhooks reference libraries (standard-webhooks repository,
 * libraries/javascript/src/webhook.test.ts, "sign function works"). Reproducing it is what proves
 * interoperability: a round trip through our own verifier would pass with the delimiter, the
 * base64 alphabet or the key decoding all wrong. Shared by the signing tests and the tests of the
 * verification samples in examples/verify.
 */
export const STANDARD_WEBHOOKS_VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;
