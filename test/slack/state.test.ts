// What a re-check or a watch compares: the probed state in a few words per endpoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changes, snapshot } from '../../src/slack/state.js';
import { healthy, refusedTwoAddresses } from './fixtures.js';

describe('state and changes', () => {
  it('says what changed, per endpoint', () => {
    const before = snapshot(refusedTwoAddresses);
    assert.deepEqual(before, { 'dns db.internal': 'resolving', '10.0.0.5:5432': 'refused', '10.0.0.6:5432': 'not answering' });
    const after = snapshot(healthy);
    assert.deepEqual(changes(before, after), ['10.0.0.5:5432 was refused, now open', '10.0.0.6:5432 (not answering) was not checked this time']);
    assert.deepEqual(changes(after, after), []);
  });
});
