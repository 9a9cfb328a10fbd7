// The snapshot helper itself: a missing snapshot is written when run by hand, and is a failure on CI.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './root.js';
import { matchSnapshot } from './snapshot.js';

describe('snapshots', () => {
  it('a missing snapshot fails when CI is set, and nothing is written', () => {
    const name = `missing-on-ci-${process.pid}`;
    const was = process.env.CI;
    process.env.CI = 'true';
    try {
      assert.throws(() => matchSnapshot(name, 'anything'), /snapshot missing-on-ci-\d+ is missing/);
    } finally {
      if (was === undefined) delete process.env.CI;
      else process.env.CI = was;
    }
    assert.equal(existsSync(join(ROOT, 'test', 'slack', '__snapshots__', `${name}.txt`)), false);
  });
});
