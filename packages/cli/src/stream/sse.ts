import { EventSourceParserStream } from 'eventsource-parser/stream';
import { problemError, unreachable } from '../api/client.ts';
import type { Settings } from '../config/settings.ts';

export interface StreamEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Opens a server-sent events stream with the API key (EventSource cannot send an Authorization
 * header, so fetch reads it and eventsource-parser splits the events) and yields each event until
 * the stream ends or `signal` aborts.
 */
export async function* readStream(
  settings: Settings,
  path: string,
  signal: AbortSignal,
  lastEventId?: string,
): AsyncGenerator<StreamEvent> {
  let response: Response;
  try {
    response = await fetch(settings.apiUrl + path, {
      headers: {
        authorization: `Bearer ${settings.apiKey}`,
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal,
    });
  } catch (err) {
    if (signal.aborted) return;
    throw unreachable(err);
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    let problem: { detail?: string; code?: string } | undefined;
    try {
      problem = JSON.parse(text);
    } catch {
      problem = undefined;
    }
    throw problemError(response.status, problem, `opening ${path}`);
  }
  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  try {
    for await (const event of events)
      yield { event: event.event ?? 'message', data: event.data, id: event.id };
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

/** Resolves when the user presses Ctrl-C (or the process is told to stop), aborting `controller`. */
export function stopOnSignal(controller: AbortController): void {
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
