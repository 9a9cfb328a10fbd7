// Rows 5 and 7: the engine in process. Row 5: diagnose() of a closed loopback port against one bare
// net.connect to the same port (what the engine adds on top of the kernel's answer). Row 7: the engine's
// port look (probeNearby, the entry point the nearby-port probe uses) over 1,000 loopback ports against
// `nmap -sT -T5` over the same ports, and against Node's own net.connect over them with the same number in
// flight (the floor of any look made of Node sockets).
import { setMaxListeners } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { diagnose } from '../../src/diagnose.js';
import { resolveTimeouts } from '../../src/plan.js';
import { makeContext, NEARBY_CONCURRENCY, probeNearby } from '../../src/probes/index.js';
import type { BenchContext } from '../lib/context.js';
import { fmtMs, fmtRatio, fmtSummary, nowMs, quietClosedPort, round, roundSummary, summarize, timeProcess } from '../lib/measure.js';
import type { Row } from '../lib/table.js';

function bareConnect(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('error', () => resolve());
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
  });
}

const median = (xs: number[]) => summarize(xs).median;

export async function diagnoseRow(ctx: BenchContext): Promise<Row> {
  const port = await quietClosedPort();
  const request = { type: 'target' as const, host: '127.0.0.1', port };
  const check = await diagnose(request, { surface: 'cli' });
  const tcp = check.evidence.filter((e) => e.type === 'tcp');
  if (tcp.length === 0 || tcp.some((e) => 'outcome' in e && e.outcome !== 'refused'))
    ctx.notes.push(`row 5: diagnose() of 127.0.0.1:${port} did not see a refused connect (${check.verdict})`);
  // Warm the JIT and the module caches on both sides.
  for (let i = 0; i < 50; i++) {
    await diagnose(request, { surface: 'cli' });
    await bareConnect(port);
  }
  const PER_BATCH = 100;
  const ours: number[] = [];
  const bare: number[] = [];
  const added: number[] = [];
  for (let b = 0; b < ctx.runs; b++) {
    const o: number[] = [];
    const c: number[] = [];
    // Alternating, so a busy moment on the machine falls on both.
    for (let i = 0; i < PER_BATCH; i++) {
      let t = nowMs();
      await diagnose(request, { surface: 'cli' });
      o.push(nowMs() - t);
      t = nowMs();
      await bareConnect(port);
      c.push(nowMs() - t);
    }
    ours.push(median(o));
    bare.push(median(c));
    added.push(median(o) - median(c));
  }
  const o = summarize(ours);
  const c = summarize(bare);
  const a = summarize(added);
  return {
    n: 5,
    what: '`diagnose()` in process, closed loopback port',
    ours: fmtSummary(o),
    theirs: `a bare net.connect ${fmtSummary(c)}`,
    ratio: `+${fmtMs(a.median)} (${fmtRatio(o.median / c.median)})`,
    goal: 'adds < 1 ms',
    met: a.median < 1 ? 'yes' : 'no',
    data: {
      ours: roundSummary(o),
      bareConnect: roundSummary(c),
      addedMs: roundSummary(a),
      perBatch: PER_BATCH,
      connectsPerDiagnosis: check.evidence.filter((e) => e.type === 'tcp' || e.type === 'nearby').length,
    },
  };
}

/** Listens on a few ports inside the block so both sides have something to find; a port already taken is skipped. */
async function listenOn(ports: number[]): Promise<Server[]> {
  const out: Server[] = [];
  for (const p of ports) {
    const s = createServer((sock) => sock.destroy());
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => resolve(true));
    });
    if (ok) out.push(s);
  }
  return out;
}

/** The same ports through bare net.connect, NEARBY_CONCURRENCY in flight; resolves with the time taken. */
function bareLook(ports: number[]): Promise<number> {
  const t = nowMs();
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    const pump = () => {
      while (inFlight < NEARBY_CONCURRENCY && next < ports.length) {
        inFlight++;
        bareConnect(ports[next++]!).then(() => {
          inFlight--;
          if (next >= ports.length && inFlight === 0) resolve(nowMs() - t);
          else pump();
        });
      }
    };
    pump();
  });
}

/** Open ports in nmap's grepable output ("Ports: 21100/open/tcp//…"). */
function nmapOpen(out: string): number {
  return (out.match(/\d+\/open\//g) ?? []).length;
}

export async function portsRow(ctx: BenchContext): Promise<Row> {
  // Below Linux's ephemeral range (32768–60999), where the other rows' own sockets come from.
  const first = 21000;
  const ports = Array.from({ length: 1000 }, (_, i) => first + i);
  const servers = await listenOn([first + 100, first + 500, first + 900]);
  const timeouts = resolveTimeouts(undefined);
  const look = async () => {
    const t = nowMs();
    // The look's workers each listen on the run's signal: more than Node's default warning threshold of 10.
    const run = new AbortController();
    setMaxListeners(0, run.signal);
    const ev = await probeNearby(makeContext(timeouts, undefined, run.signal), { address: '127.0.0.1', family: 4, port: 0, ports });
    return { ms: nowMs() - t, open: ev.filter((e) => e.outcome === 'open').length, seen: ev.length };
  };
  const nmapArgs = ['-sT', '-T5', '-Pn', '-n', '-p', `${first}-${first + 999}`, '-oG', '-', '127.0.0.1'];
  const ours: number[] = [];
  const theirs: number[] = [];
  const bare: number[] = [];
  try {
    const w = await look();
    await bareLook(ports);
    if (w.seen !== 1000 || w.open !== servers.length) ctx.notes.push(`row 7: our look saw ${w.seen} ports, ${w.open} open (${servers.length} listening)`);
    if (ctx.tools.nmap) {
      const r = await timeProcess(ctx.tools.nmap, nmapArgs, { capture: true });
      if (nmapOpen(r.stdout) !== servers.length) ctx.notes.push(`row 7: nmap found ${nmapOpen(r.stdout)} open ports (${servers.length} listening)`);
    }
    // A look takes well under 0.1 s and nmap's time swings by a third from run to run here: three times the
    // runs of the other rows, taking turns, so the median ratio does not follow one busy moment.
    for (let i = 0; i < ctx.runs * 3; i++) {
      ours.push((await look()).ms);
      bare.push(await bareLook(ports));
      if (ctx.tools.nmap) theirs.push((await timeProcess(ctx.tools.nmap, nmapArgs)).ms);
    }
  } finally {
    for (const s of servers) s.close();
  }
  const o = summarize(ours);
  const t = ctx.tools.nmap ? summarize(theirs) : null;
  const b = summarize(bare);
  const ratio = t ? o.median / t.median : Number.NaN;
  return {
    n: 7,
    what: 'looking at 1,000 loopback ports',
    ours: `${fmtSummary(o)} (in process)`,
    theirs: `${t ? `nmap -sT -T5 ${fmtSummary(t)} (whole process)` : 'nmap: not installed'}; Node's own connects, ${NEARBY_CONCURRENCY} at once: ${fmtSummary(b)}`,
    ratio: t ? `${fmtRatio(ratio)} nmap` : '—',
    goal: 'no slower than nmap (≤ 1×)',
    met: t ? (ratio <= 1 ? 'yes' : 'no') : '—',
    data: { ours: roundSummary(o), nmap: t && roundSummary(t), bareNodeConnects: roundSummary(b), concurrency: NEARBY_CONCURRENCY, ratio: round(ratio), ports: `${first}-${first + 999}`, listening: servers.length },
  };
}
