// A bench script as a child process (the baseline Bolt app), run like test/slack/child-bot.ts runs the bot:
// no inherited environment beyond PATH, an empty working directory, its JSON log lines collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Child {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  waitLine(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Node arguments that run a file of bench/: compiled JS when the bench is compiled, else the .ts through tsx. */
export function nodeArgsFor(file: URL): string[] {
  if (import.meta.url.endsWith('.js')) return [file.pathname];
  return ['--import', import.meta.resolve('tsx'), file.pathname.replace(/\.js$/, '.ts')];
}

export function spawnScript(args: string[], env: Record<string, string>): Child {
  const cwd = mkdtempSync(join(tmpdir(), 'refused-bench-'));
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return wrap(child);
}

/** Line collection, waiting for a line, and a bounded stop (SIGTERM, then SIGKILL after 5 s). */
export function wrap(child: ChildProcess, lines: Record<string, unknown>[] = []): Child {
  let err = '';
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ event: 'not-json', line });
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => {
    if (err.length < 20_000) err += d.toString();
  });
  const exit = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    child,
    lines,
    async waitLine(event, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find((l) => l.event === event);
        if (hit) return hit;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`no "${event}" line; stderr: ${err.slice(0, 1000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    },
  };
}
