// npm run bench: how fast the engine is, measured in loops (never in tests).
// Prints one line per measurement: median and p95 per operation, and operations per second.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { diagnose } from '../src/diagnose.js';
import { parse } from '../src/parse/index.js';
import { plan } from '../src/plan.js';
import { renderText } from '../src/render/text/index.js';
import { buildContext, evaluate } from '../src/rules/evaluate.js';
import { RULES } from '../src/rules/index.js';
import { renderBlocks } from '../src/render/slack/blocks.js';
import { buttonKey, checkRequest, decode, encodeCheck } from '../src/slack/button-value.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Compiled to dist/bench, run from bench/ by tsx: the fixtures stay in the source tree either way.
const fixtures = [join(here, '..', 'test', 'fixtures', 'pastes'), join(here, '..', '..', 'test', 'fixtures', 'pastes')].find((d) => existsSync(d))!;

function stats(label: string, samples: number[], unit = 'ms'): void {
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  const total = samples.reduce((a, b) => a + b, 0);
  const fmt = (v: number) => (v < 0.01 ? v.toFixed(4) : v < 1 ? v.toFixed(3) : v.toFixed(1));
  console.log(`${label.padEnd(44)} median ${fmt(at(0.5))} ${unit}  p95 ${fmt(at(0.95))} ${unit}  (${samples.length} runs, ${Math.round((samples.length / total) * 1000)}/s)`);
}

async function timeIt(n: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function main(): Promise<void> {
  const pastes = readdirSync(fixtures).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(fixtures, f), 'utf8'));
  console.log(`refused bench · node ${process.version} · ${pastes.length} fixture pastes`);

  // Warm up the JIT so the numbers are steady-state.
  for (let i = 0; i < 200; i++) for (const p of pastes) parse(p);
  stats('parse: one fixture paste', await timeIt(20 * pastes.length, (() => { let i = 0; return () => parse(pastes[i++ % pastes.length]!); })()));

  const big = pastes.join('\n').repeat(Math.ceil((1 << 20) / Math.max(1, pastes.join('\n').length))).slice(0, 1 << 20);
  stats('parse: 1 MB paste', await timeIt(10, () => parse(big)));
  // Growth with size: linear up to the 256 KB the parser reads (MAX_INPUT), flat after it.
  for (const kb of [32, 64, 128, 256, 1024, 4096]) {
    const size = kb * 1024;
    const text = pastes.join('\n').repeat(Math.ceil(size / Math.max(1, pastes.join('\n').length))).slice(0, size);
    stats(`parse: ${kb} KB of error pastes`, await timeIt(kb > 256 ? 3 : 6, () => parse(text)));
  }
  const noise = 'x'.repeat(79).concat('\n').repeat(Math.ceil((1 << 20) / 80)).slice(0, 1 << 20);
  stats('parse: 1 MB of lines with no error', await timeIt(10, () => parse(noise)));
  const oneLine = 'a:'.repeat(1 << 19);
  stats('parse: 1 MB single line of a:a:a:', await timeIt(5, () => parse(oneLine)));

  const facts = pastes.map(parse);
  const ctxs = facts.map((f) => buildContext(f, [], plan(f, { surface: 'cli', probe: false })));
  stats('rules: evaluate all rules (text only)', await timeIt(20 * ctxs.length, (() => { let i = 0; return () => evaluate(RULES, ctxs[i++ % ctxs.length]!); })()));

  const port = await closedPort();
  const d0 = await diagnose({ type: 'target', host: 'localhost', port }, { surface: 'cli' });
  stats('render: text', await timeIt(2000, () => renderText(d0, { color: false, os: 'linux' })));
  // What the bot adds on top of the engine: Block Kit, and the signed value every Re-check button carries.
  const key = buttonKey(null, 'xoxb-bench-token');
  const nowS = Math.floor(Date.now() / 1000);
  const spec = { request: checkRequest({ type: 'target', host: 'localhost', port }, d0), state: { a: 'refused' }, place: { team: 'T1', channel: 'C1' }, origin: 'command' as const };
  const value = encodeCheck(spec, key, nowS);
  stats('slack: render Block Kit', await timeIt(2000, () => renderBlocks(d0, { checkValue: value, requestedBy: 'U1' })));
  stats('slack: sign a Re-check value', await timeIt(2000, () => encodeCheck(spec, key, nowS)));
  stats('slack: verify a Re-check value', await timeIt(2000, () => decode(value, key, nowS)));
  stats(`diagnose localhost:${port} (closed), full probes`, await timeIt(200, () => diagnose({ type: 'target', host: 'localhost', port }, { surface: 'cli' })));
  stats(`diagnose 127.0.0.1:${port} (closed), full probes`, await timeIt(200, () => diagnose({ type: 'target', host: '127.0.0.1', port }, { surface: 'cli' })));
  // Warm runs only: the first diagnosis also pays for loading modules.
  const warm: Awaited<ReturnType<typeof diagnose>>[] = [];
  for (let i = 0; i < 50; i++) warm.push(await diagnose({ type: 'target', host: '127.0.0.1', port }, { surface: 'cli' }));
  const tcp = warm.flatMap((d) => d.evidence.filter((e) => e.type === 'tcp').map((e) => e.ms));
  stats('  of which: one refused connect (from evidence)', tcp);

  const server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const open = (server.address() as AddressInfo).port;
  stats(`diagnose 127.0.0.1:${open} (open), full probes`, await timeIt(100, () => diagnose({ type: 'target', host: '127.0.0.1', port: open }, { surface: 'cli', timeouts: { bannerMs: 200 } })));
  server.close();
}

await main();
