// The bot as a child process, started the way `npm start` starts it: no inherited environment, an empty working
// directory (so no developer's .env joins in unless the test writes one), and its JSON log lines collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_COMMAND } from './root.js';

export interface Run {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
  exit: Promise<number | null>;
  waitLine(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function spawnBot(env: Record<string, string>, dotenv: string | null = null): Run {
  return spawnNode(APP_COMMAND, env, dotenv);
}

/** Any Node script run the same way (the bench's baseline Bolt app too): Node's arguments, the environment, an optional .env. */
export function spawnNode(args: string[], env: Record<string, string>, dotenv: string | null = null): Run {
  const cwd = mkdtempSync(join(tmpdir(), 'refused-bot-'));
  if (dotenv !== null) writeFileSync(join(cwd, '.env'), dotenv);
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let err = '';
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ event: 'not-json', line });
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => err,
    exit,
    async waitLine(event, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find((l) => l.event === event);
        if (hit) return hit;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`no "${event}" line; stdout: ${JSON.stringify(lines).slice(0, 2000)} stderr: ${err.slice(0, 2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
