import { EVENT_TYPES } from '@bookflow/events';
import zapier from 'zapier-platform-core';
import { addApiKey, explainProblems } from './api.ts';
import { authentication } from './authentication.ts';
import { publishEvent } from './creates/publish-event.ts';
import { replayDeadLetters } from './creates/replay-dead-letters.ts';
import { endpointList } from './triggers/endpoint-list.ts';
import { eventTrigger } from './triggers/event-trigger.ts';

/** One instant trigger per type in the catalogue: a type added there is a trigger here at the next build. */
const eventTriggers = EVENT_TYPES.map(eventTrigger);

const keyed = <T extends { key: string }>(items: T[]) => Object.fromEntries(items.map((i) => [i.key, i]));

const App = {
  version: '0.1.0',
  platformVersion: zapier.version,
  authentication,
  beforeRequest: [addApiKey],
  afterResponse: [explainProblems],
  triggers: keyed<{ key: string }>([...eventTriggers, endpointList]),
  creates: keyed<{ key: string }>([publishEvent, replayDeadLetters]),
};

export default App;
