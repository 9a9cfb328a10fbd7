// A child process for the bench (the bot, the baseline Bolt app): started and read by test/slack/child-bot.ts
// (no inherited environment beyond PATH, an empty working directory, its JSON log lines collected), plus a
// bounded stop.
import type { ChildProcess } from 'node:child_process';
import type { Run } from '../../test/slack/child-bot.js';

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

/** A started child with a bounded stop (SIGTERM, then SIGKILL after 5 s); waiting for a line takes up to 30 s. */
export function withStop(run: Run): Child {
  const { child } = run;
  return {
    child,
    lines: run.lines,
    waitLine: (event, timeoutMs = 30_000) => run.waitLine(event, timeoutMs),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await run.exit;
      clearTimeout(killer);
    },
  };
}
