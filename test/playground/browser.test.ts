// The playground in a real browser: `npm start` without Slack credentials (the bot as a child process, its
// own local Slack on loopback), Debian's Chromium driven by playwright-core (never a downloaded browser).
// A paste naming a closed loopback port gets a thread reply whose first cause is that nothing listens; the
// test opens the port, Re-check edits the same message to reachable; Watch posts in the thread when the port
// closes again; the feedback buttons acknowledge; the Home tab shows the App Home; pasted markup stays text.
// Screenshots go to test-results/playground/. Without /usr/bin/chromium the tests are skipped, except under
// CI, where they fail (.ci/run installs it).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { ROOT } from '../root.js';
import { APP_COMMAND } from '../slack/root.js';
import { closedPort } from '../slack/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ON_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
const SHOTS = join(ROOT, 'test-results', 'playground');
/** Bound of every wait for the bot: a loopback probe answers in milliseconds, a whole diagnosis in well under this. */
const WAIT_MS = 20_000;


/** A listener on 127.0.0.1:port that closes with every connection it accepted. */
class Listener {
  #server: Server | null = null;
  #sockets = new Set<Socket>();

  async open(port: number): Promise<void> {
    const server = createServer((sock) => {
      this.#sockets.add(sock);
      sock.on('close', () => this.#sockets.delete(sock));
      sock.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface Playground {
  child: ChildProcess;
  url: string;
  output: () => string;
  cwd: string;
}

/** `npm start` as a fresh clone runs it: no Slack variables, no .env (an empty working directory), PORT=0. */
async function startPlayground(env: Record<string, string>): Promise<Playground> {
  const cwd = mkdtempSync(join(tmpdir(), 'refused-playground-'));
  const child = spawn(process.execPath, APP_COMMAND, { cwd, env: { PATH: process.env.PATH ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + WAIT_MS;
  for (;;) {
    // Whatever the shape of the start-up line (JSON log or words), it names the page's URL on loopback.
    const m = /http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)\/?/.exec(out);
    if (m && m[1] !== '0') return { child, url: `http://127.0.0.1:${m[1]}/`, output: () => out, cwd };
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the playground printed no URL (exit ${child.exitCode}); output:\n${out.slice(0, 3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopPlayground(p: Playground | null): Promise<void> {
  if (!p) return;
  if (p.child.exitCode === null) {
    const exited = new Promise((r) => p.child.once('exit', r));
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(p.cwd, { recursive: true, force: true });
}

/** Polls `check` until it returns a value other than null/false, at most `ms`; the failure says what was awaited. */
async function until<T>(what: string, check: () => Promise<T | null | false>, ms = WAIT_MS): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await check();
      if (v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // The pointer off the messages, so no hover highlight or toolbar shows in the picture.
  await page.mouse.move(0, 799);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The top-level message (its article) whose text contains `text`, written by the person or by the bot. */
function message(page: Page, text: string | RegExp, bot = false): Locator {
  return page.locator(`#messages .items > .item > article.msg${bot ? '.bot' : ':not(.bot)'}`, { hasText: text });
}

/** The bot's replies in the thread of a top-level message. */
function replies(msg: Locator): Locator {
  return msg.locator('xpath=..').locator('.thread article.msg.bot');
}

/** The text as the page shows it, lines and all. */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person reads, line breaks included
const shown = (l: Locator): Promise<string> => l.innerText();

const chromiumThere = existsSync(CHROMIUM);

if (!chromiumThere && ON_CI) {
  test('the browser tests need Debian chromium', () => {
    assert.fail(`${CHROMIUM} is missing and CI is set: install it (apt-get install --no-install-recommends chromium, as .ci/run does)`);
  });
}

describe('the playground in a browser', { skip: chromiumThere ? false : `${CHROMIUM} is missing: apt-get install --no-install-recommends chromium to run the browser tests` }, () => {
  let playground: Playground | null = null;
  let context: BrowserContext | null = null;
  let profile = '';
  let page: Page;
  const listener = new Listener();
  let port = 0;
  let answerTs = '';
  const pageErrors: string[] = [];

  before(async () => {
    port = await closedPort();
    // A short first pause so that Watch notices a change within the test's bounded wait.
    playground = await startPlayground({ REFUSED_WATCH_FIRST_INTERVAL_MS: '300', REFUSED_WATCH_MINUTES: '2' });
    profile = mkdtempSync(join(tmpdir(), 'refused-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
      timeout: WAIT_MS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // The page may talk to its own server only.
    await page.route(/^(?!http:\/\/127\.0\.0\.1:\d+\/)/, (route) => route.abort());
    await page.goto(playground.url);
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    if (profile) rmSync(profile, { recursive: true, force: true });
    await listener.close();
    await stopPlayground(playground);
  });

  test('the page: a banner that says it is a local playground, the channel, a message box', async () => {
    const banner = page.getByRole('banner');
    await banner.filter({ hasText: /local playground/i }).waitFor();
    assert.match(await shown(banner), /SLACK_BOT_TOKEN|\.env/, 'the banner says how to connect a real workspace');
    await page.getByRole('heading', { name: /playground/ }).first().waitFor();
    const box = page.getByRole('textbox', { name: /Message/ });
    await box.waitFor();
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: /Home/ }).count(), 1);
    await until('the live stream and the bot connected', async () => (await shown(page.locator('#live'))).trim() === 'live');
    assert.deepEqual(pageErrors, []);
  });

  test('Shift+Enter adds a line, Enter sends; a refusal by the server is shown and the text given back', async () => {
    const box = page.getByRole('textbox', { name: /Message/ });
    await box.click();
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    assert.equal(await box.inputValue(), 'first line\nsecond line');
    // The server's words reach the person: a made-up refusal of this one send.
    await page.route('**/playground/send', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ ok: false, error: 'the text is too long (test)' }) }));
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'the text is too long (test)' });
    await alert.waitFor();
    assert.equal(await box.inputValue(), 'first line\nsecond line', 'the text is given back to fix');
    await page.unroute('**/playground/send');
    await page.keyboard.press('Enter');
    await message(page, 'second line').waitFor();
    assert.equal(await box.inputValue(), '', 'the box is cleared after sending');
    await until('the error to go', async () => (await alert.count()) === 0 || !(await alert.isVisible()));
  });

  test('Reply in thread puts the reply under its message', async () => {
    const parent = message(page, 'second line');
    await parent.hover();
    await parent.getByRole('button', { name: 'Reply in thread' }).click();
    const box = page.getByRole('textbox', { name: /Message/ });
    assert.match((await box.getAttribute('aria-label')) ?? '', /reply in thread/i);
    await page.keyboard.insertText('a reply in the thread');
    await page.keyboard.press('Enter');
    await parent.locator('xpath=..').locator('.thread article.msg', { hasText: 'a reply in the thread' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await box.getAttribute('aria-label'), 'Message #playground');
  });

  test('pasted markup shows as text and runs nothing', async () => {
    const box = page.getByRole('textbox', { name: /Message/ });
    const markup = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> <b>not bold</b> *bold*';
    await box.fill(markup);
    await box.press('Enter');
    const msg = message(page, '<script>window.__pwned = 1</script>');
    await msg.waitFor();
    assert.match(await shown(msg), /<img src=x onerror="window\.__pwned = 2"> <b>not bold<\/b> bold/);
    assert.equal(await msg.locator('strong', { hasText: 'bold' }).count(), 1, 'mrkdwn *bold* is bold');
    assert.equal(await page.locator('#messages script, #messages img, #messages b').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
  });

  test("a typed entity stays as typed: the local Slack escapes a person's &, < and > as Slack does", async () => {
    const box = page.getByRole('textbox', { name: /Message/ });
    await box.fill('AT&T says 1 &lt; 2 &amp; <not a link>');
    await box.press('Enter');
    const msg = message(page, 'AT&T says');
    await msg.waitFor();
    assert.match(await shown(msg), /AT&T says 1 &lt; 2 &amp; <not a link>/);
  });

  test('a paste naming a closed loopback port: a thread reply whose first cause is that nothing listens', async () => {
    const paste = [
      `Error: connect ECONNREFUSED 127.0.0.1:${port}`,
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16) {',
      "  errno: -111, code: 'ECONNREFUSED', syscall: 'connect',",
      `  address: '127.0.0.1', port: ${port}`,
      '}',
    ].join('\n');
    const box = page.getByRole('textbox', { name: /Message/ });
    await box.focus();
    // As a paste: the text arrives at once, its newlines included, and only Enter sends it.
    await page.keyboard.insertText(paste);
    assert.equal(await box.inputValue(), paste);
    await page.keyboard.press('Enter');
    const asked = message(page, `ECONNREFUSED 127.0.0.1:${port}`);
    await asked.waitFor();
    assert.equal(await box.inputValue(), '');
    assert.match(await shown(asked), /at TCPConnectWrap\.afterConnect[\s\S]*syscall: 'connect'/, 'the paste keeps its lines');

    const reply = replies(asked).filter({ hasText: `127.0.0.1:${port}` }).first();
    await reply.waitFor({ timeout: WAIT_MS });
    answerTs = (await reply.getAttribute('data-ts')) ?? '';
    assert.notEqual(answerTs, '');
    // The list was at its end when the answer came: it follows it there.
    await until('the list to show the end of the answer', async () =>
      page.locator('#messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 60),
    );
    const text = await shown(reply);
    // The first cause, right after the verdict: nothing listens on the port.
    const causes = [...text.matchAll(/^\s*1\.\s+(.+)$/gm)].map((m) => m[1]);
    assert.match(text, new RegExp(`(nothing is listening|not listening)[^\\n]*127\\.0\\.0\\.1:${port}`, 'i'), text);
    assert.ok(causes.length > 0, `no numbered cause in the answer:\n${text}`);
    assert.match(causes[0]!, /listening/i, `first cause: ${causes[0]}`);
    // The metadata, when the answer carries it, says the same in data.
    const meta = reply.locator('details.metadata');
    if ((await meta.count()) > 0) {
      await meta.locator('summary').click();
      const data = JSON.parse(await shown(meta.locator('pre'))) as { event_type: string; event_payload: { causes?: unknown[] } };
      assert.equal(data.event_type, 'refused_diagnosis');
      const first = data.event_payload.causes?.[0];
      assert.equal(typeof first === 'string' ? first : (first as { id?: string } | undefined)?.id, 'not-listening', JSON.stringify(data));
      await meta.locator('summary').click();
    }
    assert.ok(await reply.getByRole('button', { name: /Re-check/ }).isVisible());
    // The paste at the top of the list, its answer below: the picture the README shows.
    await asked.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, '01-paste-answered');
  });

  /** The bot's answer to the paste, by its ts: edits keep the ts, and the tests below act on it. */
  const answer = () => page.locator(`#messages article.msg.bot[data-ts="${answerTs}"]`);
  /** The first bold line of the answer: its verdict. */
  const verdictOf = () => shown(answer().locator('.msg-content strong').first());

  test('the feedback buttons acknowledge', async () => {
    const reply = answer();
    await reply.getByRole('button', { name: /Fixed it/ }).first().click();
    // The cause's buttons give way to who said what (or, where they cannot, a private thank-you).
    await until('the feedback to be acknowledged', async () => {
      const inMessage = await reply.filter({ hasText: /says this fixed it/ }).count();
      const privately = await page.locator('article.msg.ephemeral', { hasText: /Thanks, noted/ }).count();
      return inMessage + privately > 0;
    });
    await shot(page, '02-feedback');
  });

  test('Re-check after the port opens edits the same message to say it is reachable', async () => {
    const asked = message(page, `ECONNREFUSED 127.0.0.1:${port}`);
    const before = await replies(asked).count();
    assert.match(await verdictOf(), /nothing is listening/i);
    await listener.open(port);
    // Hold the click's POST until the button has been seen disabled: it is, while the server has not answered.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/playground/click', async (route) => {
      await held;
      await route.continue();
    });
    const recheck = answer().getByRole('button', { name: /Re-check/ });
    await recheck.click();
    await until('Re-check to be disabled while it waits', async () => await recheck.isDisabled());
    release();
    await page.unroute('**/playground/click');
    const open = new RegExp(`127\\.0\\.0\\.1:${port}.*(accepts connections|reachable|is open)`, 'i');
    const verdict = await until('the verdict to say the port is open', async () => {
      const v = await verdictOf();
      return open.test(v) ? v : null;
    });
    assert.doesNotMatch(verdict, /nothing is listening/i);
    assert.match(await shown(answer().locator('.msg-head')), /\(edited\)/);
    assert.equal(await replies(asked).count(), before, 'edited in place, not posted again');
    await shot(page, '03-rechecked');
  });

  test('Watch posts in the thread when the port closes again', async () => {
    const asked = message(page, `ECONNREFUSED 127.0.0.1:${port}`);
    const thread = replies(asked);
    const before = await thread.count();
    await answer().getByRole('button', { name: /Watch/ }).click();
    // Watch says it started (a new reply), then, once the port closes, posts what changed (another one).
    const started = await until('Watch to say it started', async () => ((await thread.count()) > before ? thread.nth(before) : null));
    assert.match(await shown(started), /watching/i);
    await listener.close();
    const changed = await until('Watch to post that the state changed', async () => ((await thread.count()) > before + 1 ? thread.nth(before + 1) : null));
    const words = await shown(changed);
    assert.match(words, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(words, /changed/i);
    assert.match(words, /refused|nothing is listening/i);
    await changed.scrollIntoViewIfNeeded();
    await shot(page, '04-watch-changed');
    // Stop it, so that the bot does not keep probing until the test ends.
    await thread.getByRole('button', { name: /Stop watching/ }).first().click();
  });

  test('a /refused command typed in the box is answered', async () => {
    const other = await closedPort();
    const box = page.getByRole('textbox', { name: /Message/ });
    await box.fill(`/refused 127.0.0.1 ${other}`);
    await box.press('Enter');
    assert.equal(await box.inputValue(), '');
    await page.locator('#messages article.msg.bot', { hasText: `127.0.0.1:${other}` }).first().waitFor({ timeout: WAIT_MS });
  });

  test('what is typed survives a live update', async () => {
    const box = page.getByRole('textbox', { name: /Message/ });
    await box.fill('half typed\nsecond line');
    // A change from outside the page: the bot publishes the Home tab, and the page redraws (the Home view
    // is drawn even while the channel shows).
    const res = await fetch(new URL('/playground/home', playground!.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 200);
    await until('the redraw with the App Home', async () => /How to use it/i.test((await page.locator('#home').textContent()) ?? ''));
    assert.equal(await box.inputValue(), 'half typed\nsecond line');
    await box.fill('');
  });

  test('the Home tab shows the App Home', async () => {
    await page.getByRole('navigation').getByRole('link', { name: /Home/ }).click();
    const home = page.locator('#home');
    await home.filter({ hasText: /How to use it/i }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: /Message/ }).isVisible(), false, 'no message box on the Home tab');
    await shot(page, '05-home');
    await page.getByRole('navigation').getByRole('link', { name: /playground/ }).click();
    await page.getByRole('textbox', { name: /Message/ }).waitFor();
  });

  test('a narrow window keeps the channel and the box usable', async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    const box = page.getByRole('textbox', { name: /Message/ });
    assert.ok(await box.isVisible());
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    assert.ok(width <= 420, `no sideways scrolling (${width}px wide)`);
    await shot(page, '06-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(pageErrors, []);
  });
});
