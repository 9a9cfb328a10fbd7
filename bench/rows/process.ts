// Rows 3 and 4: the `refused` command as a whole process, the way a person runs it, against what the same
// machine needs for the same answer: Node starting and doing one connect (the floor for any Node CLI),
// `nc -z`, `nmap`, and `curl` for a healthy HTTP server. Every tool runs once per round, in turn, so a
// noisy neighbour on the shared machine slows all of them alike.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchContext } from '../lib/context.js';
import { fmtMs, fmtRatio, fmtSummary, quietClosedPort, roundSummary, summarize, timeProcess, type ProcessRun } from '../lib/measure.js';
import type { Row } from '../lib/table.js';

interface Tool {
  name: string;
  cmd: string;
  args: string[];
  /** The exit code a correct run ends with; another one is reported, since a failing run is fast and wrong. */
  expect: number[];
}

export async function processRows(ctx: BenchContext): Promise<Row[]> {
  const closed = await quietClosedPort();
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const open = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${open}/`;
  const node = process.execPath;
  // The floor: Node's own start plus one refused connect, and nothing else.
  const floorScript = `const s=require('node:net').connect(${closed},'127.0.0.1');s.on('error',()=>{});s.on('connect',()=>s.destroy())`;

  const tools: Tool[] = [
    { name: 'ours-closed', cmd: node, args: [ctx.cliPath, '127.0.0.1', String(closed)], expect: [1] },
    { name: 'node-floor', cmd: node, args: ['-e', floorScript], expect: [0] },
    { name: 'ours-http', cmd: node, args: [ctx.cliPath, url], expect: [0] },
  ];
  if (ctx.tools.nc) tools.push({ name: 'nc', cmd: ctx.tools.nc, args: ['-z', '127.0.0.1', String(closed)], expect: [1] });
  if (ctx.tools.nmap) tools.push({ name: 'nmap', cmd: ctx.tools.nmap, args: ['-sT', '-Pn', '-n', '-p', String(closed), '127.0.0.1'], expect: [0] });
  if (ctx.tools.curl) tools.push({ name: 'curl', cmd: ctx.tools.curl, args: ['-s', '-o', '/dev/null', url], expect: [0] });

  const times = new Map<string, number[]>(tools.map((t) => [t.name, []]));
  try {
    // One captured run each first: it fills the file cache and shows that each tool does what it should.
    for (const t of tools) {
      const r: ProcessRun = await timeProcess(t.cmd, t.args, { capture: true });
      if (r.code === null || !t.expect.includes(r.code)) {
        ctx.notes.push(`${t.name} exited ${r.code} (expected ${t.expect.join(' or ')}): ${(r.stderr || r.stdout).trim().split('\n')[0]?.slice(0, 200) ?? ''}`);
      }
    }
    for (let round = 0; round < ctx.processRuns; round++) {
      // A different tool goes first each round, so no tool always runs right after the slowest one.
      for (let k = 0; k < tools.length; k++) {
        const t = tools[(k + round) % tools.length]!;
        times.get(t.name)!.push((await timeProcess(t.cmd, t.args)).ms);
      }
    }
  } finally {
    server.close();
  }

  const s = (name: string) => summarize(times.get(name) ?? []);
  const ours = s('ours-closed');
  const floor = s('node-floor');
  const http = s('ours-http');
  const nc = ctx.tools.nc ? s('nc') : null;
  const nmap = ctx.tools.nmap ? s('nmap') : null;
  const curl = ctx.tools.curl ? s('curl') : null;

  const r3 = ours.median / floor.median;
  const row3: Row = {
    n: 3,
    what: '`refused 127.0.0.1 <closed>` as a whole process',
    ours: fmtSummary(ours),
    theirs: [
      `Node starting + one connect ${fmtSummary(floor)}`,
      nc ? `nc -z ${fmtSummary(nc)}` : 'nc: not installed',
      nmap ? `nmap ${fmtSummary(nmap)}` : 'nmap: not installed',
    ].join('; '),
    ratio: `${fmtRatio(r3)} Node's floor`,
    goal: "≤ 1.3× Node's floor",
    met: r3 <= 1.3 ? 'yes' : 'no',
    data: {
      ours: roundSummary(ours),
      nodeFloor: roundSummary(floor),
      nc: nc && roundSummary(nc),
      nmap: nmap && roundSummary(nmap),
      ratioToFloor: r3,
      port: closed,
    },
  };
  const r4 = http.median / ours.median;
  const row4: Row = {
    n: 4,
    what: '`refused http://127.0.0.1:<port>/` (healthy HTTP server)',
    ours: fmtSummary(http),
    theirs: [`1.5× the closed-port case: ${fmtMs(1.5 * ours.median)}`, curl ? `curl ${fmtSummary(curl)}` : 'curl: not installed'].join('; '),
    ratio: `${fmtRatio(r4)} row 3`,
    goal: '≤ 1.5× the closed-port case',
    met: r4 <= 1.5 ? 'yes' : 'no',
    data: { ours: roundSummary(http), closedCase: roundSummary(ours), curl: curl && roundSummary(curl), ratioToClosedCase: r4 },
  };
  return [row3, row4];
}
