// manifest.yml and .env.example must agree with the code: the ids Slack sends back, the events the
// listeners handle, the scopes they need (and no more), and every variable config.ts reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { VARIABLES } from '../../src/config.js';
import { COMMAND, SHORTCUT_DIAGNOSE } from '../../src/slack/ids.js';
import { ROOT } from './root.js';


interface Manifest {
  display_information: { name: string; description: string; long_description: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
    bot_user: { display_name: string };
    slash_commands: { command: string; usage_hint: string; description: string }[];
    shortcuts: { type: string; callback_id: string; name: string; description: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

describe('manifest.yml', () => {
  const m = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;

  it('declares the command, the shortcut and the home tab the code listens for', () => {
    assert.equal(m.features.slash_commands.length, 1);
    assert.equal(m.features.slash_commands[0]!.command, COMMAND);
    assert.match(m.features.slash_commands[0]!.usage_hint, /host.*port/);
    const sc = m.features.shortcuts.find((s) => s.callback_id === SHORTCUT_DIAGNOSE);
    assert.ok(sc);
    assert.equal(sc.type, 'message');
    assert.equal(sc.name, 'Diagnose connection error');
    assert.equal(m.features.app_home.home_tab_enabled, true);
    assert.equal(m.features.app_home.messages_tab_enabled, true);
    assert.ok(m.features.bot_user.display_name);
  });

  it('is a Socket Mode app with interactivity on', () => {
    assert.equal(m.settings.socket_mode_enabled, true);
    assert.equal(m.settings.interactivity.is_enabled, true);
  });

  it('subscribes to the events handled, with the least scopes they need', () => {
    assert.deepEqual([...m.settings.event_subscriptions.bot_events].sort(), ['app_home_opened', 'message.channels', 'message.groups', 'message.im']);
    // chat:write posts, commands for /refused and the shortcut, *:history for the message events,
    // reactions:write for the "working" reaction. Nothing that reads beyond the bot's conversations.
    assert.deepEqual([...m.oauth_config.scopes.bot].sort(), ['channels:history', 'chat:write', 'commands', 'groups:history', 'im:history', 'reactions:write']);
  });

  it('fits Slack\'s length rules for the app listing', () => {
    assert.ok(m.display_information.description.length <= 140);
    // The manifest editor rejects a long_description shorter than 174 characters.
    assert.ok(m.display_information.long_description.length >= 174 && m.display_information.long_description.length <= 4000);
  });
});

describe('.env.example', () => {
  it('documents every variable the configuration reads', () => {
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
    for (const name of Object.keys(VARIABLES)) assert.match(text, new RegExp(`^#? ?${name}=`, 'm'), name);
  });
});
