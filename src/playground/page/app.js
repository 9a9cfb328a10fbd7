// The playground page: a channel, the App Home tab and modals, drawn from GET /playground/state and
// redrawn on every `change` event of GET /playground/events. What the person does goes back as small JSON
// POSTs (send, click, home, shortcut, submit, close); the server turns them into the envelopes Slack would
// send the bot. The contract between this page and the server: docs in src/playground (State, the routes).
// No framework and no build step: plain DOM, text through textContent only (see blocks.js).
import { emojiFor, mrkdwnElement, readValues, renderBlocks } from './blocks.js';

/**
 * @typedef {{ name: string, count: number }} Reaction
 * @typedef {{
 *   ts: string, thread_ts?: string, user: string, user_name: string, bot: boolean, text: string,
 *   blocks: object[] | null, metadata?: { event_type: string, event_payload: object },
 *   ephemeral?: boolean, edited?: boolean, reactions: Reaction[], replies: Message[]
 * }} Message
 * @typedef {{
 *   version: number, team: { id: string, name: string }, channel: { id: string, name: string },
 *   you: { id: string, name: string }, bot: { id: string, name: string }, messages: Message[],
 *   home: { blocks: object[] } | null,
 *   modal: { id: string, title: string, blocks: object[], submit?: string, close?: string } | null,
 *   banner: string, connected?: boolean
 * }} State
 */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {State | null} */
let state = null;
let version = -1;
/** Actions whose POST has not come back: their controls stay disabled, also when redrawn meanwhile. */
const pending = new Set();
/** Messages whose metadata the person opened: a redraw keeps them open. */
const openMeta = new Set();
/** Per message ts: what it was drawn from and its element, so a redraw replaces only what changed. */
const drawn = new Map();
/** @type {{ ts: string, who: string } | null} */
let replyTo = null;
let homeJson = '';
let modalJson = '';
/** @type {{ block_id: string, action_id: string, read: () => object }[]} */
let modalReaders = [];
let stickToBottom = true;

// ------------------------------------------------------------------------------------------------ server

/** POSTs JSON; resolves with the answer, or throws an Error whose message is the server's own words. */
async function post(path, body) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    throw new Error(`the playground server did not answer (${err instanceof Error ? err.message : String(err)}); is \`npm start\` still running?`);
  }
  /** @type {any} */
  let data = null;
  try {
    data = await res.json();
  } catch {
    // not JSON: the status says enough
  }
  if (!res.ok || data?.ok === false) throw new Error(typeof data?.error === 'string' && data.error !== '' ? data.error : `HTTP ${res.status} ${res.statusText}`);
  return data;
}

/** @type {Promise<void> | null} */
let fetching = null;
let fetchAgain = false;

/** Reads the state and redraws; calls that arrive during a read are folded into one more read. */
async function refresh() {
  if (fetching) {
    fetchAgain = true;
    return fetching;
  }
  fetching = (async () => {
    do {
      fetchAgain = false;
      try {
        const res = await fetch('/playground/state', { cache: 'no-store' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const next = /** @type {State} */ (await res.json());
        if (typeof next.version !== 'number' || next.version >= version) draw(next);
      } catch (err) {
        showError(`Could not read the playground's state: ${err instanceof Error ? err.message : String(err)}`);
      }
    } while (fetchAgain);
  })();
  try {
    await fetching;
  } finally {
    fetching = null;
  }
}

/** The stream's state, set by listen(); with the state's `connected`, what the corner of the banner says. */
let stream = 'connecting…';

function setLive(text) {
  if (text !== undefined) stream = text;
  const up = stream === 'live';
  const bot = state?.connected;
  const live = $('live');
  live.textContent = !up ? stream : bot === false ? 'live · waiting for the bot to connect…' : 'live';
  live.classList.toggle('down', !up || bot === false);
}

function listen() {
  const events = new EventSource('/playground/events');
  events.addEventListener('open', () => {
    setLive('live');
    // Changes made while the stream was down were not announced: read the state once.
    void refresh();
  });
  events.addEventListener('change', (e) => {
    let v = null;
    try {
      v = JSON.parse(/** @type {MessageEvent} */ (e).data).version;
    } catch {
      // an event without a version still means "something changed"
    }
    if (typeof v !== 'number' || v > version) void refresh();
  });
  events.addEventListener('error', () => {
    if (events.readyState === EventSource.CLOSED) {
      setLive('disconnected; retrying…');
      setTimeout(listen, 2000);
    } else setLive('reconnecting…');
  });
}

// ------------------------------------------------------------------------------------------------ errors

function showError(text) {
  $('error-text').textContent = text;
  $('error').hidden = false;
}

function hideError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
}

// ------------------------------------------------------------------------------------------------ drawing

function names() {
  /** @type {Record<string, string>} */
  const users = {};
  /** @type {Record<string, string>} */
  const channels = {};
  if (!state) return { users, channels };
  users[state.you.id] = state.you.name;
  users[state.bot.id] = state.bot.name;
  channels[state.channel.id] = state.channel.name;
  const walk = (/** @type {Message[]} */ list) => {
    for (const m of list) {
      if (m.user && m.user_name) users[m.user] = m.user_name;
      walk(m.replies ?? []);
    }
  };
  walk(state.messages);
  return { users, channels };
}

const PALETTE = ['#4a154b', '#1264a3', '#007a5a', '#e8912d', '#c0392b', '#2eb67d', '#36c5f0', '#8e44ad'];

function colourOf(id) {
  let h = 0;
  for (const ch of String(id)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/** Slack ts (seconds.micro) → a short local time, and the full date for the tooltip. */
function timeOf(ts) {
  const d = new Date(Number(String(ts).split('.')[0]) * 1000);
  if (Number.isNaN(d.getTime())) return { short: '', iso: '', long: '' };
  return { short: d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' }), iso: d.toISOString(), long: d.toLocaleString() };
}

function node(tag, className, text) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined) n.textContent = text;
  return n;
}

const actionKey = (body) => [body.container, body.ts ?? body.view_id, body.block_id, body.action_id].join('\u0000');

/** A click on a Block Kit control: disabled until the server answers; a failure is said, not swallowed. */
async function click(body, control, label) {
  const key = actionKey(body);
  if (pending.has(key)) return;
  pending.add(key);
  control.disabled = true;
  control.setAttribute('aria-busy', 'true');
  try {
    await post('/playground/click', body);
  } catch (err) {
    showError(`${label} did not go through: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    pending.delete(key);
    control.disabled = false;
    control.removeAttribute('aria-busy');
    // A redraw during the wait drew this control disabled; draw that message again.
    if (body.container === 'message' && drawn.has(body.ts)) {
      drawn.get(body.ts).json = '';
      if (state) drawMessages(state);
    }
  }
}

/** One message (without its replies). */
function messageElement(/** @type {Message} */ m, /** @type {boolean} */ reply, who) {
  const art = node('article', `msg${m.bot ? ' bot' : ''}${m.ephemeral ? ' ephemeral' : ''}${reply ? ' reply' : ''}`);
  art.dataset.ts = m.ts;
  const t = timeOf(m.ts);
  art.setAttribute('aria-label', `${m.user_name || m.user}${m.bot ? ' (app)' : ''}${t.short ? `, ${t.short}` : ''}${m.ephemeral ? ', only visible to you' : ''}`);

  const avatar = node('div', 'avatar', (m.user_name || m.user || '?').slice(0, 1).toUpperCase());
  avatar.setAttribute('aria-hidden', 'true');
  avatar.style.background = m.bot ? '#4a154b' : colourOf(m.user);
  art.append(avatar);

  const body = node('div', 'msg-body');
  const head = node('div', 'msg-head');
  head.append(node('span', 'name', m.user_name || m.user));
  if (m.bot) head.append(node('span', 'badge', 'APP'));
  const time = /** @type {HTMLTimeElement} */ (node('time', 'time', t.short));
  if (t.iso) time.dateTime = t.iso;
  time.title = t.long;
  head.append(time);
  if (m.edited) head.append(node('span', 'edited', '(edited)'));
  body.append(head);

  if (m.ephemeral) {
    const note = node('div', 'ephemeral-note');
    const eye = node('span', '', '👁');
    eye.setAttribute('aria-hidden', 'true');
    note.append(eye, ' Only visible to you');
    body.append(note);
  }

  const { users, channels } = who;
  /** @type {import('./blocks.js').Ctx} */
  const ctx = {
    doc: document,
    container: { type: 'message', ts: m.ts },
    users,
    channels,
    onAction: (act, control) => void click({ container: 'message', ts: m.ts, ...act }, control, control.textContent?.trim() || act.action_id),
    isPending: (act) => pending.has(actionKey({ container: 'message', ts: m.ts, ...act })),
  };
  const content = Array.isArray(m.blocks) && m.blocks.length > 0 ? renderBlocks(ctx, m.blocks) : mrkdwnElement(ctx, m.text ?? '');
  content.classList.add('msg-content');
  body.append(content);

  if (Array.isArray(m.reactions) && m.reactions.length > 0) {
    const list = node('ul', 'reactions');
    list.setAttribute('aria-label', 'Reactions');
    for (const r of m.reactions) {
      const li = node('li', 'reaction');
      const emoji = emojiFor(r.name);
      li.title = `:${r.name}:`;
      li.setAttribute('aria-label', `${r.name}: ${r.count}`);
      li.append(node('span', emoji ? 'reaction-emoji' : 'reaction-name', emoji ?? `:${r.name}:`), node('span', 'reaction-count', String(r.count)));
      list.append(li);
    }
    body.append(list);
  }

  if (m.bot && m.metadata) {
    const details = /** @type {HTMLDetailsElement} */ (node('details', 'metadata'));
    details.open = openMeta.has(m.ts);
    details.addEventListener('toggle', () => (details.open ? openMeta.add(m.ts) : openMeta.delete(m.ts)));
    details.append(node('summary', '', `metadata · ${m.metadata.event_type ?? ''}`));
    details.append(node('pre', 'metadata-json', JSON.stringify(m.metadata, null, 2)));
    body.append(details);
  }

  if (!m.ephemeral) {
    const tools = node('div', 'tools');
    if (!reply) {
      const r = /** @type {HTMLButtonElement} */ (node('button', 'tool', 'Reply in thread'));
      r.type = 'button';
      r.addEventListener('click', () => startReply(m));
      tools.append(r);
    }
    if (!m.bot) {
      const s = /** @type {HTMLButtonElement} */ (node('button', 'tool', 'Diagnose connection'));
      s.type = 'button';
      s.title = 'The message shortcut: ⋯ → Diagnose connection';
      s.addEventListener('click', async () => {
        s.disabled = true;
        try {
          await post('/playground/shortcut', { ts: m.ts });
        } catch (err) {
          showError(`The shortcut did not go through: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          s.disabled = false;
        }
      });
      tools.append(s);
    }
    if (tools.childElementCount > 0) body.append(tools);
  }
  art.append(body);
  return art;
}

/** Puts `items` into `box` in order, reusing what is drawn already when its JSON did not change. */
function reconcile(box, /** @type {Message[]} */ items, reply, who) {
  const wanted = [];
  for (const m of items) {
    const { replies, ...own } = m;
    const json = JSON.stringify(own);
    let entry = drawn.get(m.ts);
    if (!entry) {
      const item = node('div', 'item');
      entry = { json: '', item, art: null, thread: null };
      drawn.set(m.ts, entry);
    }
    if (entry.json !== json) {
      const art = messageElement(m, reply, who);
      if (entry.art) entry.art.replaceWith(art);
      else entry.item.prepend(art);
      entry.art = art;
      entry.json = json;
    }
    if (!reply) {
      const list = Array.isArray(replies) ? replies : [];
      if (list.length > 0 && !entry.thread) {
        entry.thread = node('div', 'thread');
        entry.thread.setAttribute('role', 'group');
        entry.thread.append(node('div', 'thread-count'));
        entry.item.append(entry.thread);
      }
      if (entry.thread) {
        entry.thread.setAttribute('aria-label', `Thread: ${list.length} ${list.length === 1 ? 'reply' : 'replies'}`);
        /** @type {HTMLElement} */ (entry.thread.firstChild).textContent = `${list.length} ${list.length === 1 ? 'reply' : 'replies'}`;
        const replyBox = entry.thread.querySelector(':scope > .replies') ?? entry.thread.appendChild(node('div', 'replies'));
        reconcile(replyBox, list, true, who);
        entry.thread.hidden = list.length === 0;
      }
    }
    wanted.push(entry.item);
  }
  wanted.forEach((item, n) => {
    if (box.children[n] !== item) box.insertBefore(item, box.children[n] ?? null);
  });
  while (box.children.length > wanted.length) box.lastElementChild?.remove();
}

/** Whether the list was scrolled to its end when last looked at: new messages and a smaller window keep it there. */
let atBottom = true;
{
  const list = $('messages');
  list.addEventListener('scroll', () => {
    atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  });
  // The box below grows (a reply line, an error, a long draft) or the window shrinks: the end stays in view.
  new ResizeObserver(() => {
    if (atBottom) list.scrollTop = list.scrollHeight;
  }).observe(list);
}

function drawMessages(/** @type {State} */ s) {
  const box = $('messages');
  const list = Array.isArray(s.messages) ? s.messages : [];
  $('empty').hidden = list.length > 0;
  let holder = box.querySelector(':scope > .items');
  if (!holder) holder = box.appendChild(node('div', 'items'));
  reconcile(holder, list, false, names());
  // Forget what is gone (a deleted message).
  const live = new Set();
  const walk = (/** @type {Message[]} */ l) => {
    for (const m of l) {
      live.add(m.ts);
      walk(m.replies ?? []);
    }
  };
  walk(list);
  for (const ts of drawn.keys()) if (!live.has(ts)) drawn.delete(ts);
  if (atBottom || stickToBottom) {
    box.scrollTop = box.scrollHeight;
    atBottom = true;
  }
  stickToBottom = false;
}

function drawHome(/** @type {State} */ s) {
  const json = JSON.stringify(s.home);
  if (json === homeJson) return;
  homeJson = json;
  const box = $('home');
  box.replaceChildren();
  if (!s.home || !Array.isArray(s.home.blocks)) {
    box.append(node('p', 'empty', 'Nothing published yet: the bot publishes its Home tab when you open it.'));
    return;
  }
  const { users, channels } = names();
  box.append(renderBlocks({ doc: document, container: { type: 'view', view_id: 'home' }, users, channels, onAction: () => showError('Buttons on the Home tab are not wired in the playground.') }, s.home.blocks));
}

function drawModal(/** @type {State} */ s) {
  const dialog = /** @type {HTMLDialogElement} */ ($('modal'));
  const modal = s.modal;
  if (!modal) {
    modalJson = '';
    if (dialog.open) dialog.close();
    return;
  }
  const json = JSON.stringify(modal);
  if (json !== modalJson) {
    modalJson = json;
    modalReaders = [];
    $('modal-title').textContent = modal.title ?? '';
    $('modal-error').hidden = true;
    const { users, channels } = names();
    const view = { type: /** @type {const} */ ('view'), view_id: modal.id };
    const body = renderBlocks(
      {
        doc: document,
        container: view,
        users,
        channels,
        readers: modalReaders,
        onAction: (act, control) => void click({ container: 'view', view_id: modal.id, ...act }, control, control.textContent?.trim() || act.action_id),
      },
      modal.blocks,
    );
    $('modal-body').replaceChildren(body);
    const submit = $('modal-submit');
    submit.hidden = !modal.submit;
    submit.textContent = modal.submit ?? 'Submit';
    $('modal-close').textContent = modal.close ?? 'Close';
  }
  if (!dialog.open) dialog.showModal();
}

function draw(/** @type {State} */ next) {
  state = next;
  version = next.version;
  if (typeof next.banner === 'string' && next.banner !== '') $('banner-text').textContent = next.banner;
  if (next.channel?.name) {
    const hash = node('span', '', '#');
    hash.setAttribute('aria-hidden', 'true');
    $('channel-title').replaceChildren(hash, next.channel.name);
    const navHash = node('span', 'nav-icon', '#');
    navHash.setAttribute('aria-hidden', 'true');
    $('nav-channel').replaceChildren(navHash, next.channel.name);
    $('messages').setAttribute('aria-label', `Messages in #${next.channel.name}`);
    if (!replyTo) stopReply();
    document.title = `#${next.channel.name} · refused playground`;
  }
  if (next.team?.name) $('workspace-name').textContent = next.team.name;
  setLive();
  drawMessages(next);
  drawHome(next);
  drawModal(next);
}

// ------------------------------------------------------------------------------------------------ composer

const box = /** @type {HTMLTextAreaElement} */ ($('message'));

function autosize() {
  box.style.height = 'auto';
  box.style.height = `${Math.min(box.scrollHeight, 240)}px`;
}

function startReply(/** @type {Message} */ m) {
  const first = (m.text ?? '').split('\n')[0]?.slice(0, 60) ?? '';
  replyTo = { ts: m.ts, who: m.user_name };
  $('reply-to-text').textContent = `Replying in the thread of ${m.user_name}: “${first}${(m.text ?? '').length > 60 ? '…' : ''}”`;
  $('reply-to').hidden = false;
  box.setAttribute('aria-label', `Message (reply in thread to ${m.user_name})`);
  box.placeholder = 'Reply in thread…';
  box.focus();
}

function stopReply() {
  replyTo = null;
  $('reply-to').hidden = true;
  box.setAttribute('aria-label', `Message #${state?.channel?.name ?? 'playground'}`);
  box.placeholder = `Message #${state?.channel?.name ?? 'playground'}`;
}

async function send() {
  const text = box.value;
  if (text.trim() === '') return;
  const body = replyTo ? { text, thread_ts: replyTo.ts } : { text };
  box.value = '';
  autosize();
  hideError();
  try {
    await post('/playground/send', body);
    stickToBottom = true;
    void refresh();
  } catch (err) {
    showError(`Not sent: ${err instanceof Error ? err.message : String(err)}`);
    // Give the text back unless something new was typed meanwhile.
    if (box.value === '') {
      box.value = text;
      autosize();
    }
  }
}

box.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    void send();
  } else if (e.key === 'Escape' && replyTo) stopReply();
});
box.addEventListener('input', autosize);
$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  void send();
});
$('reply-cancel').addEventListener('click', stopReply);
$('error-close').addEventListener('click', hideError);

// ------------------------------------------------------------------------------------------------ modal

const dialog = /** @type {HTMLDialogElement} */ ($('modal'));

async function closeModal() {
  const id = state?.modal?.id;
  if (!id) return dialog.close();
  try {
    await post('/playground/close', { view_id: id });
    dialog.close();
  } catch (err) {
    $('modal-error').textContent = `Could not close: ${err instanceof Error ? err.message : String(err)}`;
    $('modal-error').hidden = false;
  }
}

$('modal-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = state?.modal?.id;
  if (!id) return;
  const submit = /** @type {HTMLButtonElement} */ ($('modal-submit'));
  submit.disabled = true;
  $('modal-error').hidden = true;
  try {
    await post('/playground/submit', { view_id: id, values: readValues(modalReaders) });
  } catch (err) {
    $('modal-error').textContent = err instanceof Error ? err.message : String(err);
    $('modal-error').hidden = false;
  } finally {
    submit.disabled = false;
  }
});
$('modal-close').addEventListener('click', () => void closeModal());
$('modal-x').addEventListener('click', () => void closeModal());
dialog.addEventListener('cancel', (e) => {
  e.preventDefault();
  void closeModal();
});

// ------------------------------------------------------------------------------------------------ tabs

function showView() {
  const home = location.hash === '#home';
  $('channel-view').hidden = home;
  $('home-view').hidden = !home;
  $('composer').hidden = home;
  const channelLink = $('nav-channel');
  const homeLink = $('nav-home');
  if (home) {
    homeLink.setAttribute('aria-current', 'page');
    channelLink.removeAttribute('aria-current');
    // Opening the tab is what makes the bot publish it (app_home_opened), as in Slack.
    post('/playground/home', {}).catch((err) => showError(`Could not open the Home tab: ${err instanceof Error ? err.message : String(err)}`));
  } else {
    channelLink.setAttribute('aria-current', 'page');
    homeLink.removeAttribute('aria-current');
    stickToBottom = true;
    if (state) drawMessages(state);
  }
}

window.addEventListener('hashchange', showView);

// ------------------------------------------------------------------------------------------------ start

showView();
void refresh();
listen();
