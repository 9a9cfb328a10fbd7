// The playground page's mrkdwn reader (src/playground/page/blocks.js), in Node: the page is plain JavaScript
// served as it is, so it is imported from the source tree (also when the tests run compiled from dist/).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { renderBlocks } from '../../src/render/slack/blocks.js';
import { ROOT } from '../root.js';
import { refusedTwoAddresses } from '../slack/fixtures.js';

type Marks = { bold?: true; italic?: true; strike?: true };
type Span =
  | ({ kind: 'text'; text: string } & Marks)
  | ({ kind: 'link'; href: string | null; text: string } & Marks)
  | ({ kind: 'user' | 'channel'; id: string; label: string | null } & Marks)
  | ({ kind: 'special'; text: string } & Marks)
  | ({ kind: 'emoji'; name: string; text: string } & Marks)
  | { kind: 'code' | 'pre'; text: string }
  | { kind: 'quote'; children: Span[] };

interface Page {
  parseMrkdwn(text: string): Span[];
  emojiText(text: string): string;
  emojiFor(name: string): string | null;
  safeHref(url: string): string | null;
  safeImageSrc(url: string): string | null;
  decodeEntities(text: string): string;
  readValues(readers: { block_id: string; action_id: string; read: () => object }[]): Record<string, Record<string, object>>;
}

const page = (await import(pathToFileURL(join(ROOT, 'src', 'playground', 'page', 'blocks.js')).href)) as Page;
const parse = page.parseMrkdwn;

/** The words a reader sees, spans joined (quotes on their own line, code as written). */
function words(spans: Span[]): string {
  return spans.map((s) => (s.kind === 'quote' ? `\n${words(s.children)}\n` : 'id' in s ? `@${s.id}` : s.text)).join('');
}

test('bold, italic, strike and inline code, each a typed span', () => {
  assert.deepEqual(parse('*bold* _it_ ~gone~ `a*b*c`'), [
    { kind: 'text', text: 'bold', bold: true },
    { kind: 'text', text: ' ' },
    { kind: 'text', text: 'it', italic: true },
    { kind: 'text', text: ' ' },
    { kind: 'text', text: 'gone', strike: true },
    { kind: 'text', text: ' ' },
    { kind: 'code', text: 'a*b*c' },
  ]);
  assert.deepEqual(parse('*_both_*'), [{ kind: 'text', text: 'both', bold: true, italic: true }]);
});

test('delimiters inside words, before a space or across a line stay as written', () => {
  for (const text of ['snake_case_name', 'a*b*c', '* not bold *', '*one\ntwo*', '2*3 and 4*5', '_', '**', '__init__ and __main__', 'window.__x = 1; window.__x = 2', 'f(**kwargs) g(**opts)', '~~a~~']) {
    assert.deepEqual(parse(text), [{ kind: 'text', text }], text);
  }
});

test('code blocks keep their text verbatim, formatting and all, without the fences newlines', () => {
  assert.deepEqual(parse('1. See what listens\n```ss -ltn | grep *5432*\nline 2```\nafter'), [
    { kind: 'text', text: '1. See what listens\n' },
    { kind: 'pre', text: 'ss -ltn | grep *5432*\nline 2' },
    { kind: 'text', text: 'after' },
  ]);
  assert.deepEqual(parse('```\n&lt;tag&gt;\n```'), [{ kind: 'pre', text: '<tag>' }]);
  // An unclosed fence is text.
  assert.deepEqual(parse('``` not closed'), [{ kind: 'text', text: '``` not closed' }]);
});

test('links, mentions, channels and specials', () => {
  assert.deepEqual(parse('<https://a.example/x_y|the docs> <https://b.example> <mailto:a@b.example|mail>'), [
    { kind: 'link', href: 'https://a.example/x_y', text: 'the docs' },
    { kind: 'text', text: ' ' },
    { kind: 'link', href: 'https://b.example', text: 'https://b.example' },
    { kind: 'text', text: ' ' },
    { kind: 'link', href: 'mailto:a@b.example', text: 'mail' },
  ]);
  assert.deepEqual(parse('<@U0YOU> <@U1|ann> <#C0PLAYGRND> <!here> <!date^1700000000^{date}|Nov 14>'), [
    { kind: 'user', id: 'U0YOU', label: null },
    { kind: 'text', text: ' ' },
    { kind: 'user', id: 'U1', label: 'ann' },
    { kind: 'text', text: ' ' },
    { kind: 'channel', id: 'C0PLAYGRND', label: null },
    { kind: 'text', text: ' ' },
    { kind: 'special', text: '@here' },
    { kind: 'text', text: ' ' },
    { kind: 'special', text: 'Nov 14' },
  ]);
  assert.deepEqual(parse('*see <https://a.example/a_b|x>*'), [
    { kind: 'text', text: 'see ', bold: true },
    { kind: 'link', href: 'https://a.example/a_b', text: 'x', bold: true },
  ]);
});

test('a link that is not http(s) or mailto never gets an href', () => {
  assert.deepEqual(parse('<javascript:alert(1)|click me>'), [{ kind: 'link', href: null, text: 'click me' }]);
  assert.deepEqual(parse('<data:text/html,hi|x>'), [{ kind: 'link', href: null, text: 'x' }]);
  assert.equal(page.safeHref(' JAVASCRIPT:alert(1)'), null);
  assert.equal(page.safeHref('https://ok.example/'), 'https://ok.example/');
});

test('markup shows as text: escaped entities are decoded once, a raw <script> stays what it was', () => {
  assert.deepEqual(parse('&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;'), [{ kind: 'text', text: '<script>alert(1)</script> &lt;' }]);
  assert.deepEqual(parse('<script>alert(1)</script>'), [{ kind: 'text', text: '<script>alert(1)</script>' }]);
  assert.deepEqual(parse('<img src=x onerror=alert(1)>'), [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
});

test('emoji the bot uses become emoji; unknown names and times stay as typed', () => {
  assert.deepEqual(parse(':mag: :repeat: Re-check at 12:30:45 :not_an_emoji:'), [
    { kind: 'emoji', name: 'mag', text: '🔍' },
    { kind: 'text', text: ' ' },
    { kind: 'emoji', name: 'repeat', text: '🔁' },
    { kind: 'text', text: ' Re-check at 12:30:45 :not_an_emoji:' },
  ]);
  assert.equal(page.emojiText(':eyes: Watch'), '👀 Watch');
  assert.equal(page.emojiFor('white_check_mark'), '✅');
  assert.equal(page.emojiFor('constructor'), null);
  assert.equal(page.emojiFor('__proto__'), null);
});

test('quotes: lines that start with > (or its escaped &gt;)', () => {
  assert.deepEqual(parse('said:\n&gt; *first*\n> second\nback'), [
    { kind: 'text', text: 'said:' },
    { kind: 'quote', children: [{ kind: 'text', text: 'first', bold: true }, { kind: 'text', text: '\nsecond' }] },
    { kind: 'text', text: 'back' },
  ]);
  assert.deepEqual(parse('a &gt; b'), [{ kind: 'text', text: 'a > b' }]);
});

test('images load only from loopback or inline data', () => {
  assert.equal(page.safeImageSrc('https://example.invalid/logo.png'), null);
  assert.equal(page.safeImageSrc('javascript:alert(1)'), null);
  assert.equal(page.safeImageSrc('http://127.0.0.1:3000/x.png'), 'http://127.0.0.1:3000/x.png');
  assert.equal(page.safeImageSrc('data:image/png;base64,iVBORw0KGgo='), 'data:image/png;base64,iVBORw0KGgo=');
});

test('every section of a real answer reads back to its words, with its commands as code blocks', () => {
  const msg = renderBlocks(refusedTwoAddresses, { checkValue: 'v', feedbackValue: () => 'f', requestedBy: 'U0YOU' });
  let pres = 0;
  for (const block of msg.blocks) {
    const texts = block.type === 'section' ? [block.text.text] : block.type === 'context' ? block.elements.map((e) => e.text) : [];
    for (const text of texts) {
      const spans = parse(text);
      pres += spans.filter((s) => s.kind === 'pre').length;
      const read = words(spans);
      // No markup character survives as text except inside code: what Slack shows bold is bold here too.
      assert.doesNotMatch(read.replace(/`[^`]*`/g, ''), /&(lt|gt|amp);/, text);
      for (const s of spans) if (s.kind === 'text') assert.doesNotMatch(s.text, /^\*|\*$/, `stray * in ${JSON.stringify(s)} of ${text}`);
    }
  }
  assert.ok(pres >= 1, 'the steps of the first cause are code blocks');
  const verdict = msg.blocks.find((b) => b.type === 'section');
  assert.ok(verdict && verdict.type === 'section');
  const spans = parse(verdict.text.text);
  assert.ok(
    spans.some((s) => s.kind === 'text' && s.bold && s.text.includes('Nothing is listening on db.internal:5432')),
    JSON.stringify(spans),
  );
});

test('a long paste full of unmatched delimiters loses no character but the markup it used', () => {
  const nasty = `${'*'.repeat(20_000)}${'<'.repeat(20_000)}${'`_~:'.repeat(5_000)}\n${'*a _b ~c '.repeat(4_000)}`;
  const bare = (s: string) => s.replace(/[*_~`]/g, '');
  assert.equal(bare(words(parse(nasty))), bare(nasty));
});

test('readValues shapes inputs as Slack view.state.values', () => {
  const values = page.readValues([
    { block_id: 'b1', action_id: 'host', read: () => ({ type: 'plain_text_input', value: 'db' }) },
    { block_id: 'b1', action_id: 'port', read: () => ({ type: 'plain_text_input', value: '5432' }) },
    { block_id: 'b2', action_id: 'os', read: () => ({ type: 'radio_buttons', selected_option: null }) },
  ]);
  assert.deepEqual(values, {
    b1: { host: { type: 'plain_text_input', value: 'db' }, port: { type: 'plain_text_input', value: '5432' } },
    b2: { os: { type: 'radio_buttons', selected_option: null } },
  });
});
