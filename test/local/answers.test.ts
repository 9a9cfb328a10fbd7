// What the command's look at its machine answers, and how it says what it saw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Facts, LocalLook } from '../../src/domain/types.js';
import { answersFromLook, withLookAnswers } from '../../src/local/answers.js';
import { lookLines, oneLoopbackFamily } from '../../src/local/describe.js';
import { facts } from '../rules/helpers.js';

function look(over: Partial<LocalLook> = {}): LocalLook {
  return { container: null, proxy: [], localhost: [{ address: '127.0.0.1', family: 4 }], listening: [], ...over };
}

const docker: LocalLook['container'] = { kind: 'docker', clues: ['/.dockerenv exists'] };
const local = (over: Partial<Facts> = {}) => facts({ host: 'localhost', port: 5432, ...over });

describe('answersFromLook', () => {
  it('a container or a pod answers where the program runs; no container answers nothing', () => {
    assert.deepEqual(answersFromLook(look({ container: docker }), local()), { clientWhere: 'container' });
    assert.deepEqual(answersFromLook(look({ container: { kind: 'kubernetes', clues: ['KUBERNETES_SERVICE_HOST is set'] } }), local()), { clientWhere: 'pod' });
    // Not seeing a container does not tell a laptop from a server: left unanswered.
    assert.deepEqual(answersFromLook(look(), local()), {});
  });

  it('a loopback target whose port listens here (on loopback or every address): the server runs on this machine', () => {
    for (const address of ['127.0.0.1', '::1', '0.0.0.0', '::']) {
      assert.deepEqual(answersFromLook(look({ listening: [{ address, port: 5432 }] }), local()), { sameMachine: true }, address);
    }
    // Another port, an address that takes no loopback connections, a remote target, or nothing read: no answer.
    assert.deepEqual(answersFromLook(look({ listening: [{ address: '127.0.0.1', port: 5433 }] }), local()), {});
    assert.deepEqual(answersFromLook(look({ listening: [{ address: '192.168.1.5', port: 5432 }] }), local()), {});
    assert.deepEqual(answersFromLook(look({ listening: [{ address: '0.0.0.0', port: 5432 }] }), local({ host: 'db.internal' })), {});
    assert.deepEqual(answersFromLook(look({ listening: null }), local()), {});
  });

  it("a paste from a container, read on a machine that is none, says nothing about that container's localhost", () => {
    const fromContainer = local({ hints: ['in-container'] });
    assert.deepEqual(answersFromLook(look({ listening: [{ address: '0.0.0.0', port: 5432 }] }), fromContainer), {});
    // Read inside a container, the paste is taken to come from it.
    assert.deepEqual(answersFromLook(look({ container: docker, listening: [{ address: '127.0.0.1', port: 5432 }] }), fromContainer), {
      clientWhere: 'container',
      sameMachine: true,
    });
  });

  it("answers already in the facts (a person's) win over the look, and the facts are not changed", () => {
    const f = local({ answers: { clientWhere: 'laptop' } });
    const merged = withLookAnswers(f, look({ container: docker, listening: [{ address: '127.0.0.1', port: 5432 }] }));
    assert.deepEqual(merged.answers, { clientWhere: 'laptop', sameMachine: true });
    assert.deepEqual(f.answers, { clientWhere: 'laptop' });
    assert.equal(withLookAnswers(f, undefined), f);
  });
});

describe('lookLines', () => {
  it('says what it saw and what that answered', () => {
    const lines = lookLines(
      look({
        container: docker,
        proxy: [{ name: 'HTTPS_PROXY', value: 'http://alice:****@proxy:3128' }],
        localhost: [
          { address: '::1', family: 6 },
          { address: '127.0.0.1', family: 4 },
        ],
        listening: [
          { address: '127.0.0.1', port: 5432 },
          { address: '0.0.0.0', port: 22 },
        ],
      }),
      local({ answers: { clientWhere: 'container', sameMachine: true } }),
    );
    assert.deepEqual(lines, [
      'this is a Docker container (/.dockerenv exists)',
      'proxy variables: HTTPS_PROXY=http://alice:****@proxy:3128',
      'localhost → ::1, 127.0.0.1 (::1 first)',
      'port 5432 listens here on 127.0.0.1',
      'port 5432 listens on 127.0.0.1 only, and localhost here is ::1 first: a client that tries only the first address is refused',
      'listening TCP ports: 5432, 22',
      'so for localhost:5432: the program runs in a container; the server runs on the same machine as the program (taking the error to come from this machine; --no-local leaves this out)',
    ]);
  });

  it('says what it could not see', () => {
    const lines = lookLines(look({ localhost: null, listening: null }), local());
    assert.deepEqual(lines, [
      'no sign of a container (/.dockerenv, /run/.containerenv, /proc/1/cgroup, KUBERNETES_SERVICE_HOST)',
      'proxy variables: none set',
      'localhost: could not be resolved here',
      'listening ports: not read (only on Linux, from /proc/net/tcp)',
    ]);
  });

  it('localhost not looked up (it could not matter) is said as such, not as a failed lookup', () => {
    const lines = lookLines(look({ localhost: 'not-looked-up', listening: [] }), local());
    assert.ok(
      lines.includes("localhost: not looked up (it matters only when a loopback target's port listens on one family's loopback alone)"),
      lines.join('\n'),
    );
    assert.ok(!lines.some((l) => /could not be resolved/.test(l)));
  });

  it('a port listening on every address tells no family story', () => {
    const lines = lookLines(look({ localhost: [{ address: '::1', family: 6 }], listening: [{ address: '::', port: 5432 }] }), local());
    assert.ok(lines.includes('port 5432 listens here on ::'));
    assert.ok(!lines.some((l) => /only, and localhost/.test(l)));
  });
});

describe('oneLoopbackFamily: when what localhost resolves to first can matter', () => {
  it('a port listening on loopback addresses of one family only', () => {
    assert.deepEqual(
      oneLoopbackFamily(
        [
          { address: '127.0.0.1', port: 5432 },
          { address: '127.0.0.2', port: 5432 },
          { address: '::1', port: 22 },
        ],
        5432,
      ),
      {
        family: 4,
        addresses: ['127.0.0.1', '127.0.0.2'],
      },
    );
    assert.deepEqual(oneLoopbackFamily([{ address: '::1', port: 5432 }], 5432), { family: 6, addresses: ['::1'] });
  });

  it('nothing listening, both families, every address, or a non-loopback address: null', () => {
    assert.equal(oneLoopbackFamily([], 5432), null);
    assert.equal(oneLoopbackFamily(null, 5432), null);
    assert.equal(oneLoopbackFamily([{ address: '127.0.0.1', port: 5433 }], 5432), null);
    assert.equal(
      oneLoopbackFamily(
        [
          { address: '127.0.0.1', port: 5432 },
          { address: '::1', port: 5432 },
        ],
        5432,
      ),
      null,
    );
    assert.equal(
      oneLoopbackFamily(
        [
          { address: '127.0.0.1', port: 5432 },
          { address: '0.0.0.0', port: 5432 },
        ],
        5432,
      ),
      null,
    );
    assert.equal(oneLoopbackFamily([{ address: '10.0.0.5', port: 5432 }], 5432), null);
  });
});
