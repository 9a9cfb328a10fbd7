import type { App, MessageShortcut } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { SHORTCUT_DIAGNOSE } from '../../ids.js';
import { handleDiagnoseShortcut, type ShortcutInput } from './diagnose-message.js';

export function registerShortcuts(app: App, deps: Deps): void {
  app.shortcut<MessageShortcut>({ callback_id: SHORTCUT_DIAGNOSE, type: 'message_action' }, async ({ shortcut, ack, respond, client }) => {
    await deps.work.track(handleDiagnoseShortcut(shortcut as unknown as ShortcutInput, { ack: () => ack(), respond: (m) => respond(m), client }, deps));
  });
}
