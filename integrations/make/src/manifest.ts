import { catalogue, EVENT_TYPES } from '@bookflow/events';
import { CONNECTION, codeFiles, componentName, kebab, moduleOf } from './names.ts';

/** makecomapp.json: every component of the app and the code files Make reads for each. */
export function manifest() {
  return {
    fileVersion: 1,
    generalCodeFiles: {
      base: 'general/base.iml.json',
      common: 'general/common.json',
      groups: 'general/groups.json',
      readme: 'general/readme.md',
    },
    components: {
      connection: {
        [CONNECTION]: {
          label: 'BookFlow API key',
          connectionType: 'basic',
          codeFiles: codeFiles('connections', kebab(CONNECTION), ['communication', 'params']),
        },
      },
      webhook: Object.fromEntries(
        EVENT_TYPES.map((type) => [
          componentName(type),
          {
            label: `BookFlow ${type}`,
            webhookType: 'web',
            connection: CONNECTION,
            codeFiles: codeFiles('webhooks', kebab(componentName(type)), [
              'communication',
              'params',
              'attach',
              'detach',
            ]),
          },
        ]),
      ),
      module: {
        ...Object.fromEntries(
          EVENT_TYPES.map((type) => [
            moduleOf(type),
            {
              label: `Watch ${type}`,
              description: catalogue[type].description.replace(/^[a-z.]+: /, 'Triggers when '),
              moduleType: 'instant_trigger',
              connection: CONNECTION,
              webhook: componentName(type),
              codeFiles: codeFiles('modules', kebab(moduleOf(type)), [
                'communication',
                'staticParams',
                'mappableParams',
                'interface',
                'samples',
              ]),
            },
          ]),
        ),
        publishEvent: {
          label: 'Publish an Event',
          description:
            'Publishes an event to every endpoint subscribed to its type (for testing a scenario).',
          moduleType: 'action',
          actionCrud: 'create',
          connection: CONNECTION,
          codeFiles: codeFiles('modules', 'publish-event', [
            'communication',
            'staticParams',
            'mappableParams',
            'interface',
            'samples',
          ]),
        },
      },
      rpc: {
        listEventTypes: {
          label: 'List event types',
          connection: CONNECTION,
          codeFiles: codeFiles('rpcs', 'list-event-types', ['communication', 'params']),
        },
      },
      function: { parseJson: { codeFiles: { code: 'functions/parse-json/parse-json.code.js' } } },
    },
    origins: [],
  };
}
