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

  /** Writes a JSON answer as the vendor does (its own headers added). */
  protected abstract send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers?: Record<string, string>,
  ): void;

  /**
   * Answers with what a test scripted for "METHOD path", if anything (each script answers once),
   * its body `fallback` when the script has none; true when it answered.
   */
  protected answerScripted(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    fallback: unknown,
  ): boolean {
    const key = `${req.method} ${path}`;
    const index = this.#scripts.findIndex((s) => s.match.test(key));
    if (index === -1) return false;
    const { reply } = this.#scripts.splice(index, 1)[0]!;
    this.record(req.method, path, reply.status);
    this.send(res, reply.status, reply.body ?? fallback, reply.headers);
    return true;
  }
}
