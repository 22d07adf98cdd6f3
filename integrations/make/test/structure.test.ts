import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runInNewContext } from 'node:vm';
import { catalogue, EVENT_TYPES } from '@bookflow/events';
import { describe, expect, it } from 'vitest';
import { schemaFields, valueAt } from '../../shared/schema-fields.ts';
import { exampleEnvelope, fieldsOf, interfaceItem, makeApp } from '../src/definition.ts';
import { APP_DIR } from '../src/generate.ts';
import { componentName, moduleOf } from '../src/names.ts';
import { render } from './iml.ts';

type Manifest = {
  generalCodeFiles: Record<string, string>;
  components: Record<
    string,
    Record<
      string,
      { codeFiles: Record<string, string>; webhook?: string; connection?: string; moduleType?: string }
    >
  >;
};

const read = (path: string) => readFileSync(join(APP_DIR, path), 'utf8');
const readJson = <T = unknown>(path: string) => JSON.parse(read(path)) as T;
const manifest = readJson<Manifest>('makecomapp.json');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(APP_DIR, path)];
  });
}

describe('the Make app definition', () => {
  it('is what the generator writes from the current catalogue (run: npx tsx integrations/make/src/generate.ts)', () => {
    const generated = makeApp();
    expect(filesUnder(APP_DIR).sort()).toEqual(Object.keys(generated).sort());
    for (const [path, content] of Object.entries(generated)) {
      if (path.endsWith('.json')) expect(readJson(path), path).toEqual(JSON.parse(content));
      else expect(read(path), path).toBe(content);
    }
  });

  it('names in makecomapp.json only files that exist, and every component it links to', () => {
    for (const path of Object.values(manifest.generalCodeFiles))
      expect(existsSync(join(APP_DIR, path)), path).toBe(true);
    const { connection, webhook, module, rpc } = manifest.components;
    for (const [, component] of Object.entries(manifest.components).flatMap(([, c]) => Object.entries(c))) {
      for (const path of Object.values(component.codeFiles))
        expect(existsSync(join(APP_DIR, path)), path).toBe(true);
      if (component.connection) expect(connection![component.connection]).toBeDefined();
      if (component.webhook) expect(webhook![component.webhook]).toBeDefined();
    }
    const publish = readJson<{ options: string }[]>(module!.publishEvent!.codeFiles.mappableParams!);
    expect(publish.find((p) => p.options)?.options).toBe('rpc://listEventTypes');
    expect(rpc!.listEventTypes).toBeDefined();
  });

  it('has one instant trigger, on its own webhook, per event type of the catalogue', () => {
    const { module, webhook } = manifest.components;
    const triggers = Object.entries(module!).filter(([, m]) => m.moduleType === 'instant_trigger');
    expect(triggers.map(([name]) => name).sort()).toEqual(EVENT_TYPES.map(moduleOf).sort());
    for (const type of EVENT_TYPES) {
      expect(module![moduleOf(type)]!.webhook).toBe(componentName(type));
      const attach = readJson<{ body: { event_types: string[] } }>(
        webhook![componentName(type)]!.codeFiles.attach!,
      );
      expect(attach.body.event_types).toEqual([type]);
    }
  });

  it("gives each trigger the output interface of its type's JSON Schema, and maps each name to that value", () => {
    for (const type of EVENT_TYPES) {
      const files = manifest.components.module![moduleOf(type)]!.codeFiles;
      const iface = readJson<{ name: string; label: string; type: string }[]>(files.interface!);
      const names = iface.map((i) => i.name);
      expect(new Set(names).size, `${type}: names are unique`).toBe(names.length);
      for (const leaf of schemaFields(catalogue[type].schema)) {
        expect(iface, `${type}: ${leaf.path.join('.')}`).toContainEqual(interfaceItem(leaf));
      }
      // the output template, rendered with a delivered envelope, gives each schema value under its name
      const envelope = exampleEnvelope(type);
      const communication = readJson<{ output: Record<string, string> }>(files.communication!);
      expect(Object.keys(communication.output)).toEqual(names);
      const output = render(communication.output, { body: envelope }) as Record<string, unknown>;
      for (const { field, source } of fieldsOf(type)) {
        expect(output[field.path.join('__')], `${type}: ${field.label}`).toEqual(valueAt(envelope, source));
      }
      expect(readJson(files.samples!)).toEqual(
        Object.fromEntries(Object.entries(output).map(([k, v]) => [k, v ?? null])),
      );
    }
    const leadName = readJson<{ name: string; label: string }[]>(
      manifest.components.module!.watchLeadDisqualified!.codeFiles.interface!,
    ).find((i) => i.name === 'lead__name');
    expect(leadName?.label).toBe('Lead Name');
  });

  it("parses the Publish event action's Data field with its custom IML function", () => {
    const code = read('functions/parse-json/parse-json.code.js');
    const parse = runInNewContext(`${code}; parseJson`) as (text: string) => unknown;
    expect(parse('{"lead":{"name":"Ada"}}')).toEqual({ lead: { name: 'Ada' } });
    expect(() => parse('{nope')).toThrow();
  });
});
