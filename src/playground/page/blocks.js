// Block Kit → DOM for the playground page, and Slack's mrkdwn → typed spans.
// Served to the browser as it is (no build step) and imported by the unit tests in Node, so nothing here
// touches `document` or `window` at import time, and the parsing half (parseMrkdwn, emojiText, safeHref) is
// plain functions over strings.
// Every piece of text reaches the page through textContent or createTextNode, never innerHTML: the bot
// echoes what people paste, and a paste may hold markup.
// References: https://api.slack.com/reference/surfaces/formatting (mrkdwn, entities, mentions),
// https://api.slack.com/reference/block-kit/blocks and /block-elements (the shapes below).

/**
 * @typedef {{ bold?: boolean, italic?: boolean, strike?: boolean }} Marks
 * @typedef {(
 *   | ({ kind: 'text', text: string } & Marks)
 *   | ({ kind: 'link', href: string | null, text: string } & Marks)
 *   | ({ kind: 'user', id: string, label: string | null } & Marks)
 *   | ({ kind: 'channel', id: string, label: string | null } & Marks)
 *   | ({ kind: 'special', text: string } & Marks)
 *   | ({ kind: 'emoji', name: string, text: string } & Marks)
 *   | { kind: 'code', text: string }
 *   | { kind: 'pre', text: string }
 *   | { kind: 'quote', children: Span[] }
 * )} Span
 */

/** The emoji the bot and Slack's defaults use most; anything else stays as its :name:. */
export const EMOJI = Object.freeze({
  mag: '🔍',
  mag_right: '🔎',
  x: '❌',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  repeat: '🔁',
  eyes: '👀',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  '-1': '👎',
  book: '📖',
  speech_balloon: '💬',
  question: '❓',
  warning: '⚠️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  white_circle: '⚪',
  large_green_circle: '🟢',
  red_circle: '🔴',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  lock: '🔒',
  unlock: '🔓',
  scissors: '✂️',
  rotating_light: '🚨',
  stop_sign: '🛑',
  bell: '🔔',
  no_bell: '🔕',
  tada: '🎉',
  wave: '👋',
  bulb: '💡',
  wrench: '🔧',
  gear: '⚙️',
  link: '🔗',
  clock1: '🕐',
  stopwatch: '⏱️',
  information_source: 'ℹ️',
  heavy_plus_sign: '➕',
  arrow_right: '➡️',
  point_right: '👉',
  fire: '🔥',
  rocket: '🚀',
  computer: '💻',
  globe_with_meridians: '🌐',
  satellite_antenna: '📡',
  electric_plug: '🔌',
  smile: '😄',
  slightly_smiling_face: '🙂',
  pray: '🙏',
  ok_hand: '👌',
  heart: '❤️',
});

/** The emoji for a Slack emoji name, or null when the page does not know it. */
export function emojiFor(name) {
  return Object.hasOwn(EMOJI, name) ? EMOJI[/** @type {keyof typeof EMOJI} */ (name)] : null;
}

const EMOJI_CODE = /:([a-z0-9_+'-]{1,60}):/g;

/** plain_text with `emoji: true` (Slack's default): known :names: become emoji, the rest stays as typed. */
export function emojiText(text) {
  return String(text).replace(EMOJI_CODE, (whole, name) => emojiFor(name) ?? whole);
}

/** Slack escapes exactly three characters in mrkdwn; decoding is one pass so `&amp;lt;` stays `&lt;`. */
export function decodeEntities(text) {
  return text.replace(/&(lt|gt|amp);/g, (_, e) => (e === 'lt' ? '<' : e === 'gt' ? '>' : '&'));
}

/** A link the page may point at: http(s) and mailto only (never javascript: or data:). */
export function safeHref(url) {
  const s = String(url).trim();
  return /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(s) ? s : null;
}

/**
 * An image the page may load: only from the playground's own machine (loopback) or inline data, so
 * opening the page never sends a request anywhere else.
 */
export function safeImageSrc(url) {
  const s = String(url ?? '').trim();
  if (/^data:image\/(png|gif|jpeg|webp);base64,[a-z0-9+/=]+$/i.test(s)) return s;
  try {
    const u = new URL(s);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/.test(u.hostname)) return u.href;
  } catch {
    // not a URL: no image
  }
  return null;
}

const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
const EMOJI_AT = /:([a-z0-9_+'-]{1,60}):/y;

/**
 * For each position, where the next `, >, < and newline are (text.length when none): computed once per stretch
 * of text so that a paste full of unmatched delimiters is still read in linear time.
 */
function nextIndex(text) {
  const n = text.length;
  const tick = new Int32Array(n + 1).fill(n);
  const gt = new Int32Array(n + 1).fill(n);
  const lt = new Int32Array(n + 1).fill(n);
  const nl = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i -= 1) {
    const c = text[i];
    tick[i] = c === '`' ? i : tick[i + 1];
    gt[i] = c === '>' ? i : gt[i + 1];
    lt[i] = c === '<' ? i : lt[i + 1];
    nl[i] = c === '\n' ? i : nl[i + 1];
  }
  return { tick, gt, lt, nl };
}

/** The end of the `code` or <token> that starts at i, or -1 when none starts there. */
function tokenEnd(text, idx, i) {
  const c = text[i];
  if (c === '`') {
    const j = idx.tick[i + 1];
    return j > i + 1 && j < idx.nl[i + 1] ? j : -1;
  }
  if (c === '<') {
    const j = idx.gt[i + 1];
    return j > i + 1 && j < text.length && j < idx.nl[i + 1] && idx.lt[i + 1] > j ? j : -1;
  }
  return -1;
}

/**
 * A *, _ or ~ opens formatting after a non-word character and before a non-space one; a doubled one (__init__,
 * **kwargs, ~~) is code people pasted, not formatting.
 */
function canOpen(text, i) {
  const c = text[i];
  const before = i === 0 ? '' : text[i - 1];
  const after = text[i + 1];
  return (before === '' || !WORD.test(before)) && before !== c && after !== undefined && after !== c && !SPACE.test(after);
}

/** Where the delimiter opened before `from` closes on the same line, skipping code and <…> tokens; -1 if it does not. */
function findClose(text, idx, from, ch) {
  const lineEnd = idx.nl[from] ?? text.length;
  for (let k = from; k < lineEnd; k += 1) {
    const c = text[k];
    if (c === '`' || c === '<') {
      const end = tokenEnd(text, idx, k);
      if (end !== -1) k = end;
      continue;
    }
    if (c === ch && k > from && !SPACE.test(text[k - 1]) && text[k - 1] !== ch && (k + 1 >= text.length || (!WORD.test(text[k + 1]) && text[k + 1] !== ch))) return k;
  }
  return -1;
}

/** The inside of a <…> token: a mention, a channel, a special (@here, a date), or a link. */
function angle(inner, marks) {
  const bar = inner.indexOf('|');
  const head = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? null : decodeEntities(inner.slice(bar + 1));
  if (head.startsWith('@')) return { kind: 'user', id: head.slice(1), label, ...marks };
  if (head.startsWith('#')) return { kind: 'channel', id: head.slice(1), label, ...marks };
  if (head.startsWith('!')) {
    const name = head.slice(1);
    if (name === 'here' || name === 'channel' || name === 'everyone') return { kind: 'special', text: `@${name}`, ...marks };
    if (name.startsWith('date^')) return { kind: 'special', text: label ?? name.split('^')[1] ?? '', ...marks };
    return { kind: 'special', text: label ?? `@${name.replace(/^subteam\^/, '')}`, ...marks };
  }
  const href = safeHref(decodeEntities(head));
  // Not a link at all (a bare <word> in text that was not escaped): show it exactly as written.
  if (href === null && label === null) return { kind: 'text', text: `<${decodeEntities(inner)}>`, ...marks };
  return { kind: 'link', href, text: label ?? decodeEntities(head), ...marks };
}

const MARK_OF = { '*': 'bold', _: 'italic', '~': 'strike' };

/** Inline mrkdwn on one stretch of text (no code blocks, no quotes). A mark never nests in itself. */
function inline(text, marks, out) {
  const idx = nextIndex(text);
  /** Per delimiter, the stretch [from, lineEnd) already searched for a closer in vain. */
  const vain = { '*': [-1, -1], _: [-1, -1], '~': [-1, -1] };
  let buf = '';
  const flush = () => {
    if (buf !== '') out.push({ kind: 'text', text: decodeEntities(buf), ...marks });
    buf = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '`' || c === '<') {
      const j = tokenEnd(text, idx, i);
      if (j !== -1) {
        flush();
        const inner = text.slice(i + 1, j);
        out.push(c === '`' ? { kind: 'code', text: decodeEntities(inner) } : angle(inner, marks));
        i = j + 1;
        continue;
      }
    } else if ((c === '*' || c === '_' || c === '~') && !marks[MARK_OF[c]] && canOpen(text, i)) {
      const [from, until] = vain[c];
      const j = i + 1 >= from && i + 1 < until ? -1 : findClose(text, idx, i + 1, c);
      if (j !== -1) {
        flush();
        inline(text.slice(i + 1, j), { ...marks, [MARK_OF[c]]: true }, out);
        i = j + 1;
        continue;
      }
      if (!(i + 1 >= from && i + 1 < until)) vain[c] = [i + 1, idx.nl[i + 1] ?? text.length];
    } else if (c === ':') {
      EMOJI_AT.lastIndex = i;
      const m = EMOJI_AT.exec(text);
      const emoji = m ? emojiFor(m[1]) : null;
      if (m && emoji) {
        flush();
        out.push({ kind: 'emoji', name: m[1], text: emoji, ...marks });
        i += m[0].length;
        continue;
      }
    }
    buf += c;
    i += 1;
  }
  flush();
}

/** Lines that start with > (written &gt; once escaped) are a quote; the rest is inline text. */
function lines(text, atLineStart, out) {
  const parts = text.split('\n');
  /** @type {{ quote: boolean, lines: string[] }[]} */
  const groups = [];
  parts.forEach((line, n) => {
    const m = n > 0 || atLineStart ? /^(?:&gt;|>) ?/.exec(line) : null;
    const quote = m !== null;
    const body = quote ? line.slice(m[0].length) : line;
    const last = groups[groups.length - 1];
    if (last && last.quote === quote) last.lines.push(body);
    else groups.push({ quote, lines: [body] });
  });
  // The newline between two groups belongs to neither: a quote is a block of its own.
  for (const g of groups) {
    const joined = g.lines.join('\n');
    if (g.quote) {
      /** @type {Span[]} */
      const children = [];
      inline(joined, {}, children);
      out.push({ kind: 'quote', children });
    } else inline(joined, {}, out);
  }
}

const sameMarks = (a, b) => a.bold === b.bold && a.italic === b.italic && a.strike === b.strike;

/** Neighbouring text spans with the same marks become one (and quotes' children likewise). */
function merge(spans) {
  /** @type {Span[]} */
  const out = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (s.kind === 'text' && last?.kind === 'text' && sameMarks(s, last)) out[out.length - 1] = { ...last, text: last.text + s.text };
    else out.push(s.kind === 'quote' ? { kind: 'quote', children: merge(s.children) } : s);
  }
  return out;
}

/**
 * Slack mrkdwn → spans: ```code blocks```, `code`, *bold*, _italic_, ~strike~, <url|label>, <@U…>, <#C…>,
 * <!here>, :emoji:, > quotes, and the three entities. Formatting never crosses a line, as in Slack.
 * @param {string} text
 * @returns {Span[]}
 */
export function parseMrkdwn(text) {
  /** @type {Span[]} */
  const out = [];
  const s = String(text ?? '');
  let i = 0;
  let atLineStart = true;
  while (i < s.length) {
    const open = s.indexOf('```', i);
    const close = open === -1 ? -1 : s.indexOf('```', open + 3);
    if (open === -1 || close === -1) {
      lines(s.slice(i), atLineStart, out);
      break;
    }
    if (open > i) lines(s.slice(i, open), atLineStart, out);
    // A newline right after the opening fence or before the closing one is part of the fence, not the code.
    const body = s.slice(open + 3, close).replace(/^\n/, '').replace(/\n$/, '');
    out.push({ kind: 'pre', text: decodeEntities(body) });
    i = close + 3;
    if (s[i] === '\n') i += 1;
    atLineStart = true;
  }
  return merge(out);
}

// ---------------------------------------------------------------------------------------------------------
// DOM half: only called in the browser, with a context that carries the document and the click handler.

/**
 * @typedef {{ type: 'message', ts: string } | { type: 'view', view_id: string }} Container
 * @typedef {{ action_id: string, block_id: string, value: string }} Action
 * @typedef {{
 *   doc: Document,
 *   container: Container,
 *   users: Record<string, string>,
 *   channels: Record<string, string>,
 *   onAction: (action: Action, control: HTMLButtonElement | HTMLSelectElement | HTMLInputElement) => void,
 *   isPending?: (action: Action) => boolean,
 *   readers?: { block_id: string, action_id: string, read: () => object }[],
 *   ids?: { n: number },
 * }} Ctx
 */

function el(ctx, tag, className, text) {
  const node = ctx.doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function uid(ctx, hint) {
  ctx.ids = ctx.ids ?? { n: 0 };
  ctx.ids.n += 1;
  return `bk-${hint}-${ctx.ids.n}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Wraps a node in <strong>, <em>, <s> as its marks say. */
function marked(ctx, span, node) {
  let out = node;
  if (span.strike) {
    const s = el(ctx, 's');
    s.append(out);
    out = s;
  }
  if (span.italic) {
    const s = el(ctx, 'em');
    s.append(out);
    out = s;
  }
  if (span.bold) {
    const s = el(ctx, 'strong');
    s.append(out);
    out = s;
  }
  return out;
}

/** @param {Span} span */
function spanNode(ctx, span) {
  switch (span.kind) {
    case 'text':
      return marked(ctx, span, ctx.doc.createTextNode(span.text));
    case 'code':
      return el(ctx, 'code', 'mk-code', span.text);
    case 'pre': {
      const pre = el(ctx, 'pre', 'mk-pre');
      pre.append(el(ctx, 'code', '', span.text));
      return pre;
    }
    case 'link': {
      if (span.href === null) return marked(ctx, span, ctx.doc.createTextNode(span.text));
      const a = el(ctx, 'a', 'mk-link', span.text);
      a.href = span.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return marked(ctx, span, a);
    }
    case 'user':
      return marked(ctx, span, el(ctx, 'span', 'mk-mention', `@${span.label ?? ctx.users[span.id] ?? span.id}`));
    case 'channel':
      return marked(ctx, span, el(ctx, 'span', 'mk-mention', `#${span.label ?? ctx.channels[span.id] ?? span.id}`));
    case 'special':
      return marked(ctx, span, el(ctx, 'span', 'mk-mention', span.text));
    case 'emoji': {
      const e = el(ctx, 'span', 'mk-emoji', span.text);
      e.title = `:${span.name}:`;
      return marked(ctx, span, e);
    }
    case 'quote': {
      const q = el(ctx, 'blockquote', 'mk-quote');
      for (const c of span.children) q.append(spanNode(ctx, c));
      return q;
    }
    default:
      return ctx.doc.createTextNode('');
  }
}

/** mrkdwn text as a DOM element (white-space: pre-wrap keeps its newlines). */
export function mrkdwnElement(ctx, text, tag = 'div') {
  const box = el(ctx, tag, 'mk');
  for (const span of parseMrkdwn(text)) box.append(spanNode(ctx, span));
  return box;
}

/** A Block Kit text object: mrkdwn, or plain_text (emoji converted unless `emoji: false`). */
function textObject(ctx, obj, tag = 'div') {
  if (!obj || typeof obj !== 'object') return el(ctx, tag, 'mk', '');
  if (obj.type === 'mrkdwn') return mrkdwnElement(ctx, String(obj.text ?? ''), tag);
  return el(ctx, tag, 'mk plain', obj.emoji === false ? String(obj.text ?? '') : emojiText(String(obj.text ?? '')));
}

/** A text object's words as a plain string (button labels, options, titles). */
export function plainOf(obj) {
  if (!obj || typeof obj !== 'object') return '';
  const text = String(obj.text ?? '');
  if (obj.type === 'mrkdwn') return decodeEntities(emojiText(text));
  return obj.emoji === false ? text : emojiText(text);
}

function image(ctx, elem, className) {
  const src = safeImageSrc(elem.image_url);
  const alt = String(elem.alt_text ?? '');
  if (src === null) {
    // Loading a picture from elsewhere would send a request off this machine: say what it is instead.
    const ph = el(ctx, 'span', 'bk-image-placeholder', `🖼 ${alt || 'image'}`);
    ph.title = alt || 'image (not loaded in the playground)';
    return ph;
  }
  const img = el(ctx, 'img', className);
  img.src = src;
  img.alt = alt;
  return img;
}

/** Options of a select, radio group or checkbox group, flattened from option_groups too. */
function optionsOf(elem) {
  const direct = Array.isArray(elem.options) ? elem.options : [];
  const grouped = Array.isArray(elem.option_groups) ? elem.option_groups.flatMap((g) => (Array.isArray(g.options) ? g.options : [])) : [];
  return [...direct, ...grouped].filter((o) => o && typeof o === 'object');
}

const optionValue = (o) => ({ text: { type: 'plain_text', text: plainOf(o.text) }, value: String(o.value ?? '') });

function action(elem, blockId, value) {
  return { action_id: String(elem.action_id ?? ''), block_id: String(blockId ?? ''), value: String(value ?? '') };
}

function button(ctx, elem, blockId) {
  const b = /** @type {HTMLButtonElement} */ (el(ctx, 'button', `bk-button${elem.style === 'primary' ? ' primary' : elem.style === 'danger' ? ' danger' : ''}`, plainOf(elem.text)));
  b.type = 'button';
  const act = action(elem, blockId, elem.value);
  if (ctx.isPending?.(act)) b.disabled = true;
  const href = elem.url ? safeHref(elem.url) : null;
  b.addEventListener('click', () => {
    if (href) ctx.doc.defaultView?.open(href, '_blank', 'noopener,noreferrer');
    ctx.onAction(act, b);
  });
  return b;
}

/** A select (static, overflow, users, conversations): in an input it is read on submit, elsewhere it acts on change. */
function select(ctx, elem, blockId, asInput, id) {
  const s = /** @type {HTMLSelectElement} */ (el(ctx, 'select', 'bk-select'));
  if (id) s.id = id;
  /** @type {{ text: { type: string, text: string }, value: string }[]} */
  let options;
  if (elem.type === 'users_select' || elem.type === 'multi_users_select') {
    options = Object.entries(ctx.users).map(([uid, name]) => ({ text: { type: 'plain_text', text: `@${name}` }, value: uid }));
  } else if (elem.type === 'conversations_select' || elem.type === 'channels_select') {
    options = Object.entries(ctx.channels).map(([cid, name]) => ({ text: { type: 'plain_text', text: `#${name}` }, value: cid }));
  } else options = optionsOf(elem).map(optionValue);
  const placeholder = el(ctx, 'option', '', elem.type === 'overflow' ? '⋯' : plainOf(elem.placeholder) || 'Select…');
  placeholder.value = '';
  s.append(placeholder);
  const initial = elem.initial_option?.value ?? elem.initial_user ?? elem.initial_conversation ?? elem.initial_channel ?? null;
  options.forEach((o, n) => {
    const opt = el(ctx, 'option', '', o.text.text);
    opt.value = String(n);
    if (initial !== null && o.value === String(initial)) opt.selected = true;
    s.append(opt);
  });
  const chosen = () => (s.value === '' ? null : (options[Number(s.value)] ?? null));
  if (asInput) {
    ctx.readers?.push({
      block_id: String(blockId ?? ''),
      action_id: String(elem.action_id ?? ''),
      read: () => {
        const o = chosen();
        if (elem.type === 'users_select') return { type: elem.type, selected_user: o?.value ?? null };
        if (elem.type === 'conversations_select') return { type: elem.type, selected_conversation: o?.value ?? null };
        if (elem.type === 'channels_select') return { type: elem.type, selected_channel: o?.value ?? null };
        return { type: elem.type, selected_option: o };
      },
    });
  } else {
    s.setAttribute('aria-label', plainOf(elem.placeholder) || (elem.type === 'overflow' ? 'More options' : 'Select'));
    s.addEventListener('change', () => {
      const o = chosen();
      if (o) ctx.onAction(action(elem, blockId, o.value), s);
    });
  }
  return s;
}

/** Radio buttons or checkboxes, as a fieldset of real inputs. */
function choices(ctx, elem, blockId, asInput, labelText) {
  const multi = elem.type === 'checkboxes';
  const set = el(ctx, 'fieldset', 'bk-choices');
  if (labelText) set.append(el(ctx, 'legend', 'bk-legend', labelText));
  const name = uid(ctx, 'choice');
  const options = optionsOf(elem);
  const initial = new Set(multi ? (elem.initial_options ?? []).map((o) => String(o?.value)) : elem.initial_option ? [String(elem.initial_option.value)] : []);
  /** @type {HTMLInputElement[]} */
  const inputs = [];
  for (const o of options) {
    const row = el(ctx, 'label', 'bk-choice');
    const input = /** @type {HTMLInputElement} */ (el(ctx, 'input'));
    input.type = multi ? 'checkbox' : 'radio';
    input.name = name;
    input.value = String(o.value ?? '');
    input.checked = initial.has(input.value);
    inputs.push(input);
    row.append(input, el(ctx, 'span', '', plainOf(o.text)));
    if (o.description) row.append(el(ctx, 'span', 'bk-choice-desc', plainOf(o.description)));
    set.append(row);
    if (!asInput) input.addEventListener('change', () => ctx.onAction(action(elem, blockId, input.value), input));
  }
  if (asInput) {
    ctx.readers?.push({
      block_id: String(blockId ?? ''),
      action_id: String(elem.action_id ?? ''),
      read: () => {
        const picked = options.filter((_, n) => inputs[n]?.checked).map(optionValue);
        return multi ? { type: elem.type, selected_options: picked } : { type: elem.type, selected_option: picked[0] ?? null };
      },
    });
  }
  return set;
}

/** One interactive or display element of an actions, section accessory, context or input block. */
function element(ctx, elem, blockId, asInput = false, id = '', labelText = '') {
  if (!elem || typeof elem !== 'object') return el(ctx, 'span', 'bk-unsupported', '');
  switch (elem.type) {
    case 'button':
      return button(ctx, elem, blockId);
    case 'image':
      return image(ctx, elem, 'bk-accessory-image');
    case 'static_select':
    case 'external_select':
    case 'overflow':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
      return select(ctx, elem, blockId, asInput, id);
    case 'radio_buttons':
    case 'checkboxes':
      return choices(ctx, elem, blockId, asInput, asInput ? '' : labelText);
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
    case 'datepicker':
    case 'timepicker': {
      const multiline = elem.type === 'plain_text_input' && elem.multiline === true;
      const input = /** @type {HTMLInputElement} */ (el(ctx, multiline ? 'textarea' : 'input', 'bk-text-input'));
      if (!multiline) {
        const kinds = { email_text_input: 'email', url_text_input: 'url', number_input: 'number', datepicker: 'date', timepicker: 'time' };
        input.type = kinds[/** @type {keyof typeof kinds} */ (elem.type)] ?? 'text';
      }
      if (id) input.id = id;
      input.value = String(elem.initial_value ?? elem.initial_date ?? elem.initial_time ?? '');
      if (elem.placeholder) input.placeholder = plainOf(elem.placeholder);
      if (typeof elem.max_length === 'number') input.maxLength = elem.max_length;
      const read = () => {
        const v = input.value === '' ? null : input.value;
        if (elem.type === 'datepicker') return { type: elem.type, selected_date: v };
        if (elem.type === 'timepicker') return { type: elem.type, selected_time: v };
        return { type: elem.type, value: v };
      };
      ctx.readers?.push({ block_id: String(blockId ?? ''), action_id: String(elem.action_id ?? ''), read });
      return input;
    }
    default:
      return el(ctx, 'span', 'bk-unsupported', `[${String(elem.type)} is not shown in the playground]`);
  }
}

/** rich_text inline elements (text with style, link, user, channel, emoji, broadcast). */
function richInline(ctx, parts) {
  const frag = ctx.doc.createDocumentFragment();
  for (const p of Array.isArray(parts) ? parts : []) {
    if (!p || typeof p !== 'object') continue;
    const marks = { ...(p.style?.bold ? { bold: true } : {}), ...(p.style?.italic ? { italic: true } : {}), ...(p.style?.strike ? { strike: true } : {}) };
    /** @type {Span} */
    let span;
    if (p.type === 'text') span = p.style?.code ? { kind: 'code', text: String(p.text ?? '') } : { kind: 'text', text: String(p.text ?? ''), ...marks };
    else if (p.type === 'link') span = { kind: 'link', href: safeHref(p.url ?? ''), text: String(p.text ?? p.url ?? ''), ...marks };
    else if (p.type === 'user') span = { kind: 'user', id: String(p.user_id ?? ''), label: null, ...marks };
    else if (p.type === 'channel') span = { kind: 'channel', id: String(p.channel_id ?? ''), label: null, ...marks };
    else if (p.type === 'emoji') span = { kind: 'emoji', name: String(p.name ?? ''), text: emojiFor(String(p.name ?? '')) ?? `:${p.name}:`, ...marks };
    else if (p.type === 'broadcast') span = { kind: 'special', text: `@${p.range ?? 'here'}` };
    else span = { kind: 'text', text: String(p.text ?? '') };
    frag.append(spanNode(ctx, span));
  }
  return frag;
}

function richText(ctx, block) {
  const box = el(ctx, 'div', 'bk-rich mk');
  for (const part of Array.isArray(block.elements) ? block.elements : []) {
    if (part?.type === 'rich_text_section') {
      const p = el(ctx, 'div', 'bk-rich-section');
      p.append(richInline(ctx, part.elements));
      box.append(p);
    } else if (part?.type === 'rich_text_preformatted') {
      const pre = el(ctx, 'pre', 'mk-pre');
      const code = el(ctx, 'code');
      code.append(richInline(ctx, part.elements));
      pre.append(code);
      box.append(pre);
    } else if (part?.type === 'rich_text_quote') {
      const q = el(ctx, 'blockquote', 'mk-quote');
      q.append(richInline(ctx, part.elements));
      box.append(q);
    } else if (part?.type === 'rich_text_list') {
      const list = el(ctx, part.style === 'ordered' ? 'ol' : 'ul', 'bk-rich-list');
      for (const item of Array.isArray(part.elements) ? part.elements : []) {
        const li = el(ctx, 'li');
        li.append(richInline(ctx, item?.elements));
        list.append(li);
      }
      box.append(list);
    }
  }
  return box;
}

/** One block. Unknown types say so instead of vanishing. */
export function renderBlock(ctx, block) {
  if (!block || typeof block !== 'object') return el(ctx, 'div', 'bk-unsupported', '');
  const blockId = block.block_id ?? '';
  switch (block.type) {
    case 'section': {
      const box = el(ctx, 'div', 'bk-section');
      const body = el(ctx, 'div', 'bk-section-body');
      if (block.text) body.append(textObject(ctx, block.text));
      if (Array.isArray(block.fields) && block.fields.length > 0) {
        const fields = el(ctx, 'div', 'bk-fields');
        for (const f of block.fields) fields.append(textObject(ctx, f));
        body.append(fields);
      }
      box.append(body);
      if (block.accessory) {
        const acc = el(ctx, 'div', 'bk-accessory');
        acc.append(element(ctx, block.accessory, blockId, false, '', block.text ? plainOf(block.text) : ''));
        box.append(acc);
      }
      return box;
    }
    case 'context': {
      const box = el(ctx, 'div', 'bk-context');
      for (const e of Array.isArray(block.elements) ? block.elements : []) {
        box.append(e?.type === 'image' ? image(ctx, e, 'bk-context-image') : textObject(ctx, e, 'span'));
      }
      return box;
    }
    case 'divider':
      return el(ctx, 'hr', 'bk-divider');
    case 'header':
      return textObject(ctx, { ...block.text, type: 'plain_text' }, 'h3');
    case 'actions': {
      const box = el(ctx, 'div', 'bk-actions');
      box.setAttribute('role', 'group');
      for (const e of Array.isArray(block.elements) ? block.elements : []) box.append(element(ctx, e, blockId));
      return box;
    }
    case 'image': {
      const fig = el(ctx, 'figure', 'bk-image');
      if (block.title) fig.append(el(ctx, 'figcaption', '', plainOf(block.title)));
      fig.append(image(ctx, block, 'bk-image-img'));
      return fig;
    }
    case 'rich_text':
      return richText(ctx, block);
    case 'input': {
      const box = el(ctx, 'div', 'bk-input');
      const id = uid(ctx, 'input');
      const group = block.element?.type === 'radio_buttons' || block.element?.type === 'checkboxes';
      const label = el(ctx, group ? 'div' : 'label', 'bk-label', plainOf(block.label));
      if (block.optional) label.append(el(ctx, 'span', 'bk-optional', ' (optional)'));
      if (!group) label.setAttribute('for', id);
      else label.id = `${id}-label`;
      const control = element(ctx, block.element, blockId, true, id);
      if (group) control.setAttribute('aria-labelledby', `${id}-label`);
      box.append(label, control);
      if (block.hint) box.append(el(ctx, 'div', 'bk-hint', plainOf(block.hint)));
      return box;
    }
    default:
      return el(ctx, 'div', 'bk-unsupported', `[a ${String(block.type)} block is not shown in the playground]`);
  }
}

/** A list of blocks in one container element. */
export function renderBlocks(ctx, blocks) {
  const box = el(ctx, 'div', 'bk');
  for (const b of Array.isArray(blocks) ? blocks : []) box.append(renderBlock(ctx, b));
  return box;
}

/** What the inputs of a view hold, shaped as Slack's view.state.values (block_id → action_id → value). */
export function readValues(readers) {
  /** @type {Record<string, Record<string, object>>} */
  const values = {};
  for (const r of readers) {
    values[r.block_id] = values[r.block_id] ?? {};
    values[r.block_id][r.action_id] = r.read();
  }
  return values;
}
