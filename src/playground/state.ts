// The page's view of the local Slack: one channel with its messages in order, each thread under its parent,
// what only "you" may see marked so, the App Home and the open modal. The shape is the contract between
// the server and the page (/playground/state); it is built fresh from the model on every request.
import type { Conversation, Person, Workspace } from './envelopes.js';
import { textOf } from './limits.js';
import type { LocalSlack, StoredEphemeral, StoredMessage } from './local-slack.js';

export interface PageMessage {
  ts: string;
  thread_ts?: string;
  user: string;
  user_name: string;
  bot: boolean;
  text: string;
  blocks: unknown[] | null;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  ephemeral?: boolean;
  edited?: boolean;
  reactions: { name: string; count: number }[];
  replies: PageMessage[];
}

export interface PageState {
  version: number;
  team: { id: string; name: string };
  channel: Conversation;
  you: Person;
  bot: Person;
  /** True while the bot holds a Socket Mode link to this local Slack. */
  connected: boolean;
  messages: PageMessage[];
  home: { blocks: unknown[] } | null;
  modal: { id: string; title: string; blocks: unknown[]; submit?: string; close?: string } | null;
  banner: string;
}

export interface Cast {
  workspace: Workspace;
  teamName: string;
  channel: Conversation;
  you: Person;
  bot: Person;
  banner: string;
}

function fromMessage(slack: LocalSlack, m: StoredMessage): PageMessage {
  return {
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    user: m.user,
    user_name: slack.nameOf(m.user),
    bot: m.bot,
    text: m.text,
    blocks: m.hasBlocks ? m.blocks : null,
    ...(m.metadata ? { metadata: m.metadata } : {}),
    ...(m.updates > 0 ? { edited: true } : {}),
    reactions: m.reactions.map((r) => ({ name: r.name, count: r.users.length })),
    replies: [],
  };
}

function fromEphemeral(slack: LocalSlack, e: StoredEphemeral): PageMessage {
  const bot = slack.workspace.botUser;
  return {
    ts: e.ts,
    ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}),
    user: bot,
    user_name: slack.nameOf(bot),
    bot: true,
    text: e.text,
    blocks: e.hasBlocks ? e.blocks : null,
    ephemeral: true,
    reactions: [],
    replies: [],
  };
}

export function pageState(slack: LocalSlack, cast: Cast): PageState {
  const channel = cast.channel.id;
  type Item = { seq: number; view: PageMessage; threadTs: string | undefined };
  const items: Item[] = [];
  for (const m of slack.messages.values()) if (m.channel === channel) items.push({ seq: m.seq, view: fromMessage(slack, m), threadTs: m.thread_ts });
  for (const e of slack.ephemerals) if (e.channel === channel && e.user === cast.you.id) items.push({ seq: e.seq, view: fromEphemeral(slack, e), threadTs: e.thread_ts });
  items.sort((a, b) => a.seq - b.seq);
  const top = new Map<string, PageMessage>();
  const messages: PageMessage[] = [];
  // In arrival order a parent always comes before its replies.
  for (const it of items) {
    const parent = it.threadTs === undefined ? undefined : top.get(it.threadTs);
    if (parent) parent.replies.push(it.view);
    else {
      // A reply whose parent is gone (or never existed) still shows, at the top level.
      messages.push(it.view);
      if (it.threadTs === undefined && it.view.ephemeral !== true) top.set(it.view.ts, it.view);
    }
  }
  const home = slack.homeOf(cast.you.id);
  const modal = slack.modalOf(cast.you.id);
  return {
    version: slack.version,
    team: { id: cast.workspace.team, name: cast.teamName },
    channel: cast.channel,
    you: cast.you,
    bot: cast.bot,
    connected: slack.connected,
    messages,
    home: home ? { blocks: Array.isArray(home.view.blocks) ? home.view.blocks : [] } : null,
    modal: modal
      ? {
          id: modal.id,
          title: textOf(modal.view.title),
          blocks: Array.isArray(modal.view.blocks) ? modal.view.blocks : [],
          ...(modal.view.submit !== undefined ? { submit: textOf(modal.view.submit) } : {}),
          ...(modal.view.close !== undefined ? { close: textOf(modal.view.close) } : {}),
        }
      : null,
    banner: cast.banner,
  };
}
