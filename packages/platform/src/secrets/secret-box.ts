import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { secretKey } from '@bookflow/events';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Endpoint secrets at rest: AES-256-GCM under the master key. The stored form is
 * `v1.<base64 iv>.<base64 tag>.<base64 ciphertext>`; the version prefix leaves room for a later
 * change of scheme or key. The endpoint id is bound as associated data, so a ciphertext copied
 * onto another endpoint's row does not decrypt.
 */
export class SecretBox {
  private readonly keyCache = new Map<string, Buffer>();

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new TypeError('the master key must be 32 bytes');
  }

  seal(plaintext: string, endpointId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      ciphertext.toString('base64'),
    ].join('.');
  }

  open(sealed: string, endpointId: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
      throw new Error('stored endpoint secret has an unknown format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, Buffer.from(iv, 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(endpointId));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }

  /**
   * The HMAC key of a stored secret, for signing. Decrypting on every attempt would cost more than
   * the signature, so keys are cached by ciphertext (a rotated secret has a new ciphertext).
   */
  signingKey(sealed: string, endpointId: string): Buffer {
    let key = this.keyCache.get(sealed);
    if (!key) {
      key = secretKey(this.open(sealed, endpointId));
      if (this.keyCache.size > 10_000) this.keyCache.clear();
      this.keyCache.set(sealed, key);
    }
    return key;
  }
}
