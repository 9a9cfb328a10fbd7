// Readable snapshots of Slack messages: the text fallback, then one line per block. A reviewer reads the
// .txt files under __snapshots__ to see what people get. UPDATE_SNAPSHOTS=1 rewrites them; a missing one is
// written locally and fails when CI is set.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './root.js';

// The source tree's snapshots, also when the tests run compiled from dist/.
const DIR = join(ROOT, 'test', 'slack', '__snapshots__');

interface AnyBlock {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { text?: string | { text: string }; action_id?: string; value?: string }[];
}

export function describeMessage(msg: { text: string; blocks: unknown[] }): string {
  const lines = [`text: ${msg.text.replace(/\n/g, '\n      ')}`, '---'];
  for (const raw of msg.blocks as AnyBlock[]) {
    const tag = raw.block_id ? `${raw.type} #${raw.block_id}` : raw.type;
    if (raw.type === 'section') lines.push(`[${tag}]\n${raw.text?.text ?? ''}`);
    else if (raw.type === 'context') lines.push(`[${tag}] ${(raw.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')).join(' | ')}`);
    else if (raw.type === 'actions') {
      lines.push(`[${tag}] ${(raw.elements ?? []).map((e) => `${typeof e.text === 'object' ? e.text.text : ''} (${e.action_id ?? ''}, value ${e.value?.length ?? 0} chars)`).join(' | ')}`);
    } else lines.push(`[${tag}]`);
  }
  return `${lines.join('\n')}\n`;
}

export function matchSnapshot(name: string, actual: string): void {
  const file = join(DIR, `${name}.txt`);
  // On CI a missing snapshot is a failure: writing it there would pass a test that compared nothing.
  if (!existsSync(file) && process.env.CI && process.env.UPDATE_SNAPSHOTS !== '1') {
    assert.fail(`snapshot ${name} is missing (${file}); run the tests locally to write it, review it, and commit it`);
  }
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `snapshot ${name} differs; rerun with UPDATE_SNAPSHOTS=1 if the change is intended`);
}
