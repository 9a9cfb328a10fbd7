// manifest.yml and .env.example must agree with Slack and with the code. manifest.yml is checked against
// the limits of Slack's app manifest reference, written out below as a table and applied to whatever the
// file holds (a field the table does not know fails too, so a misspelt or renamed key cannot slip past),
// then against the code: the ids Slack sends back, the events the listeners handle, the scopes the Web API
// calls and events need (and no more), and every variable config.ts reads is in .env.example.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { VARIABLES } from '../../src/config.js';
import { COMMAND, SHORTCUT_DIAGNOSE } from '../../src/slack/ids.js';
import { ROOT } from './root.js';

// ---- The reference, as a table ---------------------------------------------------------------------------
// Sources:
// - https://docs.slack.dev/reference/app-manifest (the app manifest reference; its example says the
//   long_description "minimum length is 174 characters and the maximum length is 4,000 characters").
// - https://github.com/slackapi/manifest-schema, schemas/manifest.schema.1.0.0.json: Slack's JSON Schema for
//   manifests; a manifest without _metadata (like ours) is read as major version 1. The numbers below are
//   its minLength / maxLength / maxItems / pattern / enum. Where the two disagree (long_description: 174 in
//   the prose, minLength 175 in the schema) the table takes the stricter.
// Lengths are counted in characters (code points), not UTF-16 units.

type Spec =
  | { kind: 'string'; min?: number; max?: number; pattern?: RegExp }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list'; items: Spec; min?: number; max?: number; unique?: boolean }
  | { kind: 'map'; fields: Record<string, Spec>; required: readonly string[] };

const text = (min: number | undefined, max: number, pattern?: RegExp): Spec => ({ kind: 'string', min, max, pattern });
const flag: Spec = { kind: 'boolean' };
const oneOf = (...values: string[]): Spec => ({ kind: 'enum', values });
const list = (items: Spec, limits: { min?: number; max: number; unique?: boolean }): Spec => ({ kind: 'list', items, ...limits });
const map = (fields: Record<string, Spec>, required: readonly string[] = []): Spec => ({ kind: 'map', fields, required });
const url = (max: number): Spec => text(undefined, max, /^https?:\/\//);

const MANIFEST: Spec = map(
  {
    display_information: map(
      {
        name: text(1, 35),
        description: text(1, 140),
        long_description: text(175, 4000),
        background_color: text(4, 7, /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/),
      },
      ['name'],
    ),
    features: map({
      app_home: map({ home_tab_enabled: flag, messages_tab_enabled: flag, messages_tab_read_only_enabled: flag }),
      bot_user: map({ display_name: text(1, 80), always_online: flag }, ['display_name']),
      slash_commands: list(
        map(
          { command: text(2, 32, /^\//), url: url(3000), description: text(1, 2000), usage_hint: text(1, 1000), should_escape: flag },
          ['command', 'description'],
        ),
        { min: 1, max: 50 },
      ),
      shortcuts: list(
        map(
          { name: text(1, 24), type: oneOf('message', 'global'), callback_id: text(1, 255), description: text(1, 150) },
          ['name', 'type', 'callback_id', 'description'],
        ),
        { min: 1, max: 10 },
      ),
    }),
    oauth_config: map({
      scopes: map({ bot: list(text(undefined, 50), { max: 255 }) }),
      token_management_enabled: flag,
    }),
    settings: map({
      event_subscriptions: map({ request_url: url(3500), bot_events: list(text(undefined, 50), { max: 100, unique: true }) }),
      interactivity: map({ is_enabled: flag, request_url: url(3500), message_menu_options_url: url(3500) }, ['is_enabled']),
      org_deploy_enabled: flag,
      socket_mode_enabled: flag,
      token_rotation_enabled: flag,
    }),
  },
  ['display_information'],
);

/** Every way `value` breaks `spec`, one line each, named by its path in the manifest. */
function problems(spec: Spec, value: unknown, at: string): string[] {
  switch (spec.kind) {
    case 'string': {
      if (typeof value !== 'string') return [`${at}: expected a string, found ${JSON.stringify(value)}`];
      const n = [...value].length;
      const out: string[] = [];
      if (spec.min !== undefined && n < spec.min) out.push(`${at}: ${n} characters, fewer than the ${spec.min} Slack requires`);
      if (spec.max !== undefined && n > spec.max) out.push(`${at}: ${n} characters, more than the ${spec.max} Slack allows (${JSON.stringify(value)})`);
      if (spec.pattern && !spec.pattern.test(value)) out.push(`${at}: ${JSON.stringify(value)} does not match ${spec.pattern}`);
      return out;
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected true or false, found ${JSON.stringify(value)}`];
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${spec.values.join(', ')}`];
    case 'list': {
      if (!Array.isArray(value)) return [`${at}: expected a list`];
      const out: string[] = [];
      if (spec.min !== undefined && value.length < spec.min) out.push(`${at}: ${value.length} entries, fewer than ${spec.min}`);
      if (spec.max !== undefined && value.length > spec.max) out.push(`${at}: ${value.length} entries, more than ${spec.max}`);
      if (spec.unique && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) out.push(`${at}: has duplicates`);
      for (const [i, v] of value.entries()) out.push(...problems(spec.items, v, `${at}[${i}]`));
      return out;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at || 'the manifest'}: expected a mapping`];
      const path = (key: string) => (at ? `${at}.${key}` : key);
      const out: string[] = [];
      for (const key of spec.required) if (!(key in value)) out.push(`${path(key)}: missing, and Slack requires it`);
      for (const [key, v] of Object.entries(value)) {
        const field = spec.fields[key];
        out.push(...(field ? problems(field, v, path(key)) : [`${path(key)}: not a field this test has limits for (misspelt? if new, add its limits from the reference)`]));
      }
      return out;
    }
  }
}

// ---- What the code needs, read from the source ------------------------------------------------------------
// Scopes per Web API method and per event, from each method's and event's page in Slack's reference
// (https://docs.slack.dev/reference/methods/…, …/events/…, …/scopes/…). A call or a listener missing from
// these tables fails the test: look it up and add it.
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'reactions.add': ['reactions:write'],
  'reactions.remove': ['reactions:write'],
  'views.publish': [],
  // Slack's reference: no scope required (bot or user token); used to link the earlier thread of the same incident.
  'chat.getPermalink': [],
};
const EVENT_SCOPES: Record<string, string[]> = {
  app_home_opened: [],
  app_mention: ['app_mentions:read'],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  'message.im': ['im:history'],
  'message.mpim': ['mpim:history'],
};

function sources(): string[] {
  const dir = join(ROOT, 'src');
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}
const SOURCES = sources();
const found = (re: RegExp): string[] => [...new Set(SOURCES.flatMap((s) => [...s.matchAll(re)].map((m) => m.slice(1).join('.'))))].sort();
/** Web API methods the code calls on a WebClient (client.chat.postMessage, probeClient.auth.test …). */
const METHODS_CALLED = found(/\b\w*[cC]lient\.([a-z]+)\.([a-zA-Z]+)\b/g);
/** Events the code listens to; app.message(…) is the 'message' event. */
const EVENTS_HANDLED = [...new Set([...found(/\bapp\.event\(\s*['"]([\w.]+)['"]/g), ...(found(/\bapp\.(message)\(/g).length ? ['message'] : [])])].sort();

interface Manifest {
  display_information: { name: string; description: string; long_description: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled?: boolean };
    bot_user: { display_name: string };
    slash_commands?: { command: string; usage_hint?: string; description: string }[];
    shortcuts?: { type: string; callback_id: string; name: string; description: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

describe('manifest.yml', () => {
  const raw: unknown = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8'));
  const m = raw as Manifest;
  const events = m.settings.event_subscriptions.bot_events;
  const scopes = m.oauth_config.scopes.bot;

  it('fits the limits of Slack\'s app manifest reference, field by field', () => {
    assert.deepEqual(problems(MANIFEST, raw, ''), []);
  });

  it('the limits table catches what Slack refuses', () => {
    // The checker must not be vacuous: each of these is a manifest Slack's editor rejects.
    const broken = (edit: (copy: Manifest) => void): string[] => {
      const copy = structuredClone(raw) as Manifest;
      edit(copy);
      return problems(MANIFEST, copy, '');
    };
    const says = (found: string[], re: RegExp) => assert.ok(found.some((p) => re.test(p)), `expected a problem matching ${re}, got ${JSON.stringify(found)}`);
    says(broken((c) => (c.features.shortcuts![0]!.name = 'Diagnose connection error')), /^features\.shortcuts\[0\]\.name: 25 characters, more than the 24/);
    says(broken((c) => (c.display_information.long_description = 'x'.repeat(174))), /^display_information\.long_description: 174 characters, fewer than the 175/);
    says(broken((c) => (c.features.slash_commands![0]!.command = 'refused')), /^features\.slash_commands\[0\]\.command: "refused" does not match/);
    says(broken((c) => (c.features.shortcuts![0]!.type = 'message_action')), /^features\.shortcuts\[0\]\.type: "message_action" is not one of message, global/);
    says(broken((c) => (c.display_information.name = 'r'.repeat(36))), /^display_information\.name: 36 characters, more than the 35/);
    const renamed = broken((c) => {
      const sc = c.features.shortcuts![0]! as unknown as Record<string, unknown>;
      sc.title = sc.name;
      delete sc.name;
    });
    says(renamed, /^features\.shortcuts\[0\]\.name: missing/);
    says(renamed, /^features\.shortcuts\[0\]\.title: not a field/);
  });

  it('declares the command and the shortcut under the ids the code registers', () => {
    assert.deepEqual((m.features.slash_commands ?? []).map((c) => c.command), [COMMAND]);
    assert.deepEqual((m.features.shortcuts ?? []).map((s) => [s.callback_id, s.type]), [[SHORTCUT_DIAGNOSE, 'message']]);
    // Shortcuts and the answer's buttons come back as interactivity payloads; Socket Mode carries them.
    assert.equal(m.settings.interactivity.is_enabled, true);
    assert.equal(m.settings.socket_mode_enabled, true);
  });

  it('subscribes to exactly the events the code listens to', () => {
    assert.ok(EVENTS_HANDLED.length > 0 && METHODS_CALLED.length > 0, 'the source scan found nothing: has src/ moved?');
    const wanted = (e: string) => (e.startsWith('message.') ? 'message' : e);
    for (const e of events) assert.ok(EVENTS_HANDLED.includes(wanted(e)), `${e} is subscribed, but nothing listens to ${wanted(e)}`);
    for (const e of EVENTS_HANDLED) assert.ok(events.some((s) => wanted(s) === e), `the code listens to ${e}, but the manifest does not subscribe to it`);
    // Home tab and DMs: the listeners publish the Home view and answer DMs, so both tabs are on.
    if (events.includes('app_home_opened')) assert.equal(m.features.app_home.home_tab_enabled, true);
    if (events.includes('message.im')) {
      assert.equal(m.features.app_home.messages_tab_enabled, true);
      assert.notEqual(m.features.app_home.messages_tab_read_only_enabled, true);
    }
  });

  it('asks for the scopes its events, Web API calls, command and shortcut need, and no others', () => {
    const need = new Map<string, string>();
    for (const e of events) {
      assert.ok(e in EVENT_SCOPES, `event ${e}: look up its scope in Slack's reference and add it to EVENT_SCOPES`);
      for (const s of EVENT_SCOPES[e]!) need.set(s, `event ${e}`);
    }
    for (const method of METHODS_CALLED) {
      assert.ok(method in METHOD_SCOPES, `the code calls ${method}: look up its scope in Slack's reference and add it to METHOD_SCOPES`);
      for (const s of METHOD_SCOPES[method]!) need.set(s, method);
    }
    if ((m.features.slash_commands ?? []).length + (m.features.shortcuts ?? []).length > 0) need.set('commands', 'the slash command and the shortcut');
    for (const [s, why] of need) assert.ok(scopes.includes(s), `${why} needs the ${s} scope`);
    for (const s of scopes) assert.ok(need.has(s), `${s} is requested, but no event, call or feature needs it`);
    assert.equal(new Set(scopes).size, scopes.length, 'a scope is listed twice');
  });

  it('names the shortcut the way the README does', () => {
    // The README's "Using it" table tells people what to pick in the ⋯ menu; the app listing says it too.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const s of m.features.shortcuts ?? []) {
      assert.ok(readme.includes(`**${s.name}**`), `README.md does not name the shortcut "${s.name}"`);
      assert.ok(m.display_information.long_description.includes(s.name), `the long description does not name the shortcut "${s.name}"`);
    }
  });
});

describe('.env.example', () => {
  it('documents every variable the configuration reads', () => {
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
    for (const name of Object.keys(VARIABLES)) assert.match(text, new RegExp(`^#? ?${name}=`, 'm'), name);
  });
});
