import { type BodyEncoding, storableBody } from './storable-text.ts';

/**
 * Bytes we are willing to read and throw away after the kept prefix. Draining a slightly-too-long
 * body lets undici put the connection back in the keep-alive pool; past this, closing the one
 * connection is cheaper than downloading the rest of a huge response.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024;

export interface LimitedBody {
  text: string;
  /** 'utf8': the bytes as received; 'escaped': they were not storable text (see storable-text.ts). */
  encoding: BodyEncoding;
  truncated: boolean;
}

/**
 * Keeps the first `maxBytes` of a response body as storable text (UTF-8 as is, other bytes escaped). The rest is read chunk by chunk and
 * dropped (up to DRAIN_LIMIT_BYTES), then the stream is destroyed, so memory stays at about
 * `maxBytes` plus one chunk whatever the receiver sends. A body that breaks off mid-way keeps what
 * arrived and is marked truncated: the status line already decided the attempt.
 */
export async function readLimitedBody(body: AsyncIterable<Buffer>, maxBytes: number): Promise<LimitedBody> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let seenBytes = 0;
  let complete = false;
  try {
    for await (const chunk of body) {
      seenBytes += chunk.length;
      if (keptBytes < maxBytes) {
        // Copy the slice so the (up to 64 KiB) chunk it came from can be collected.
        const part = Buffer.from(chunk.subarray(0, maxBytes - keptBytes));
        kept.push(part);
        keptBytes += part.length;
      }
      // Leaving the loop early destroys the stream; undici then closes that connection.
      if (seenBytes > maxBytes + DRAIN_LIMIT_BYTES) break;
    }
    complete = seenBytes <= maxBytes;
  } catch {
    complete = false;
  }
  // A cut can land inside a multi-byte character: storableBody drops that incomplete tail.
  const stored = storableBody(Buffer.concat(kept, keptBytes), !complete);
  return { ...stored, truncated: !complete };
}
