import { describe, expect, it } from 'vitest';
import { escapeBytes, storableBody, storableText } from '../../src/delivery/http/storable-text.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** The inverse of escapeBytes, to show the escaped form loses nothing. */
function bytesOfEscaped(text: string): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < text.length; ) {
    if (text.startsWith('\\\\', i)) {
      parts.push(Buffer.from('\\'));
      i += 2;
    } else if (text.startsWith('\\x', i)) {
      parts.push(Buffer.from([Number.parseInt(text.slice(i + 2, i + 4), 16)]));
      i += 4;
    } else {
      const cp = text.codePointAt(i)!;
      parts.push(Buffer.from(String.fromCodePoint(cp)));
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return Buffer.concat(parts);
}

/** What PostgreSQL text refuses: NUL, and anything that is not well-formed UTF-16 (so not UTF-8). */
function storable(text: string): boolean {
  return !text.includes('\u0000') && Buffer.from(text, 'utf8').toString('utf8') === text;
}

describe('storableBody', () => {
  it('keeps valid UTF-8 without NUL exactly, control characters and backslashes included', () => {
    const text = 'reçu \\ \u0001 😀 ok';
    expect(storableBody(Buffer.from(text), false)).toEqual({ text, encoding: 'utf8' });
  });

  it.each([
    ['a NUL', Buffer.from('ok\u0000'), 'ok\\x00'],
    ['invalid UTF-8', Buffer.from([0x6f, 0xff, 0x6b]), 'o\\xffk'],
    ['a lone surrogate (CESU-8)', Buffer.from([0xed, 0xa0, 0x80]), '\\xed\\xa0\\x80'],
    ['an overlong encoding', Buffer.from([0xc0, 0xaf]), '\\xc0\\xaf'],
    ['a backslash beside a NUL', Buffer.from('a\\\u0000'), 'a\\\\\\x00'],
    ['text with a control character and a NUL', Buffer.from('é\u0007\u0000'), 'é\\x07\\x00'],
  ])('escapes a body with %s', (_name, bytes, shown) => {
    expect(storableBody(bytes, false)).toEqual({ text: shown, encoding: 'escaped' });
  });

  it('drops a character split by the byte limit instead of escaping its first bytes', () => {
    const cut = Buffer.from('aé😀').subarray(0, 5);
    expect(storableBody(cut, true)).toEqual({ text: 'aé', encoding: 'utf8' });
    expect(storableBody(Buffer.concat([Buffer.from([0]), cut]), true)).toEqual({
      text: '\\x00aé',
      encoding: 'escaped',
    });
  });

  it('any bytes give storable text, at most 4 characters per byte, that unescapes to the same bytes', () => {
    const random = seededRandom(20_261_130);
    for (let run = 0; run < 500; run++) {
      const length = Math.floor(random() * 64);
      // Mostly the awkward bytes: NUL, backslash, C0 controls, lead and continuation bytes.
      const pool = [0, 0x5c, 0x07, 0x41, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98, 0xff];
      const bytes = Buffer.from(
        Array.from({ length }, () =>
          random() < 0.7 ? pool[Math.floor(random() * pool.length)]! : Math.floor(random() * 256),
        ),
      );
      const body = storableBody(bytes, false);
      expect(storable(body.text)).toBe(true);
      expect(body.text.length).toBeLessThanOrEqual(4 * bytes.length);
      if (body.encoding === 'escaped') expect(bytesOfEscaped(body.text).equals(bytes)).toBe(true);
      else expect(Buffer.from(body.text).equals(bytes)).toBe(true);
    }
    expect(escapeBytes(Buffer.alloc(0))).toBe('');
  });
});

describe('storableText', () => {
  it('writes NUL as \\x00 and unpaired surrogates as U+FFFD, keeps pairs, and cuts without splitting a pair', () => {
    expect(storableText('a\u0000b')).toBe('a\\x00b');
    expect(storableText('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(storableText('😀')).toBe('😀');
    expect(storableText('a😀', 2)).toBe('a');
    expect(storable(storableText('\uDFFF\u0000\uD83D'))).toBe(true);
  });
});
