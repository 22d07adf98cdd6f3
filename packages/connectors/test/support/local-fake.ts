import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A vendor's API faked on 127.0.0.1 at a free port: `start()` listens, `url` is where, `close()` stops. */
export abstract class LocalFake {
  #server: Server | undefined;
  url = '';

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

/** An answer a test puts in front of the fake's routes (a 429 with Retry-After, a 5xx, a 4xx). */
export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** A fake that records each request with its answer's status, and answers what a test scripted first. */
export abstract class ScriptableFake extends LocalFake {
  readonly requests: RecordedRequest[] = [];
  readonly #scripts: Array<{ match: RegExp; reply: Scripted }> = [];

  /** The next request whose "METHOD path" matches gets this answer instead (once per call). */
  script(match: RegExp, reply: Scripted): void {
    this.#scripts.push({ match, reply });
  }

  /** Forgets every request and script. */
  reset(): void {
    this.requests.length = 0;
    this.#scripts.length = 0;
  }

  protected record(method: string | undefined, path: string, status: number): void {
    this.requests.push({ method: method ?? '', path, status, at: Date.now() });
  }

  /** The answer scripted for "METHOD path", taken (each answers once), or undefined. */
  protected takeScripted(key: string): Scripted | undefined {
    const index = this.#scripts.findIndex((s) => s.match.test(key));
    return index === -1 ? undefined : this.#scripts.splice(index, 1)[0]!.reply;
  }
}
