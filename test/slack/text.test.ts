// Slack's markup undone before the parser reads a message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('slackToPlain', () => {
  it('undoes Slack escaping and link wrapping so the parser sees what was pasted', async () => {
    const { slackToPlain } = await import('../../src/slack/text.js');
    assert.equal(slackToPlain('File "app.py", line 3, in &lt;module&gt; a &amp;&amp; b'), 'File "app.py", line 3, in <module> a && b');
    assert.equal(slackToPlain('connect to <http://db.internal:5432|db.internal:5432> failed'), 'connect to db.internal:5432 failed');
    assert.equal(slackToPlain('see <https://x.test/a?b=1&amp;c=2>'), 'see https://x.test/a?b=1&c=2');
    assert.equal(slackToPlain('<@U123> in <#C1|ops> <!here>'), '@U123 in #ops @here');
    assert.equal(slackToPlain('&amp;lt;'), '&lt;');
  });
});
