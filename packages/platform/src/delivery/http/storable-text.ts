/**
 * What a receiver sends back ends up in text columns, and PostgreSQL text takes neither NUL nor
 * invalid UTF-8 (SQLSTATE 22021). Everything a receiver controls goes through here before it
 * reaches the database, so recording an attempt cannot fail on its bytes.
 */

export type BodyEncoding = 'utf8' | 'escaped';

export interface StorableBody {
  text: string;
  /** 'utf8': the bytes as received. 'escaped': see escapeBytes. */
  encoding: BodyEncoding;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Valid UTF-8 without NUL is kept exactly. Anything else is escaped as a whole, so one reading rule
 * applies to the whole body: the `encoding` says which. `cutAtLimit` means the body was cut at the
 * byte limit: a multi-byte character split by the cut is dropped rather than shown as bytes.
 */
export function storableBody(bytes: Buffer, cutAtLimit: boolean): StorableBody {
  const kept = cutAtLimit ? bytes.subarray(0, bytes.length - splitTail(bytes)) : bytes;
  if (!kept.includes(0)) {
    try {
      return { text: strictUtf8.decode(kept), encoding: 'utf8' };
    } catch {
      // Not UTF-8: escaped below.
    }
  }
  return { text: escapeBytes(kept), encoding: 'escaped' };
}

/**
 * A readable and reversible text form of any bytes: valid UTF-8 characters stay as they are, a
 * backslash becomes `\\`, and every other byte (NUL, other control characters except tab, line
 * feed and carriage return, bytes that are not part of a valid UTF-8 sequence) becomes `\xNN`.
 * At most four characters per byte.
 */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = sequenceLength(bytes, i);
    if (length === 1 && b === 0x5c) out += '\\\\';
    else if (length === 1 && isControl(b)) out += hex(b);
    else if (length > 0) out += Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
    else out += hex(b);
    i += Math.max(length, 1);
  }
  return out;
}

/** Messages and header values: NUL written as `\x00`, unpaired surrogates as U+FFFD, capped. */
export function storableText(text: string, maxChars = 2_000): string {
  return text
    .replaceAll('\u0000', '\\x00')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .slice(0, maxChars)
    .replace(/[\uD800-\uDBFF]$/, '');
}

function hex(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

function isControl(b: number): boolean {
  return (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f;
}

const isContinuation = (b: number | undefined) => b !== undefined && (b & 0xc0) === 0x80;

/** Length of the valid UTF-8 sequence starting at i (RFC 3629: no overlongs, no surrogates), or 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const b1 = bytes[i + 1];
  if (b0 >= 0xc2 && b0 <= 0xdf) return isContinuation(b1) ? 2 : 0;
  if (b1 === undefined) return 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return b1 >= low && b1 <= high && isContinuation(bytes[i + 2]) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return b1 >= low && b1 <= high && isContinuation(bytes[i + 2]) && isContinuation(bytes[i + 3]) ? 4 : 0;
  }
  return 0;
}

/** Bytes at the end that start a multi-byte character the cut left incomplete (0 to 3). */
function splitTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}
