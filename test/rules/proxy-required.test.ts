import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OSES } from '../../src/domain/types.js';
import { parse } from '../../src/parse/index.js';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { proxyRequired } from '../../src/rules/proxy-required.js';
import { ctx, dns, facts, noProbe, probePlan, ranking, ruleCases, skipPlan, tcp } from './helpers.js';

const npm = facts({ kind: 'timeout', errno: 'ETIMEDOUT', host: 'registry.npmjs.org', port: 443, runtime: 'node', client: 'npm', service: 'http', hints: ['public-registry'] });
const behind = facts({ ...npm, hints: ['public-registry', 'proxy-context'] });
const at = { host: 'registry.npmjs.org', port: 443 };
const stale = facts({
  kind: 'refused', errno: 'ECONNREFUSED', host: '127.0.0.1', port: 8087, client: 'git', proxy: { host: '127.0.0.1', port: 8087 },
  destination: { host: 'github.com', port: 443 }, hints: ['proxy', 'public-registry', 'proxy-context'],
});

ruleCases(proxyRequired, {
  fires: [
    { name: 'a public registry times out, and the text says the network has a proxy', ctx: ctx(behind, [], noProbe(behind)), min: 0.9, evidence: /public registry/ },
    { name: 'office words and a registry', ctx: ctx(facts({ ...npm, hints: ['public-registry', 'office-network'] }), [], noProbe(npm)), min: 0.9, evidence: /office network/ },
    { name: 'proxy words, an outside host that does not resolve', ctx: ctx(facts({ kind: 'dns', errno: 'EAI_AGAIN', host: 'api.vendor.example', port: 443, hints: ['proxy-context'] }), [], noProbe(npm)), min: 0.85 },
    { name: 'proxy words, no host at all (a build step)', ctx: ctx(facts({ kind: 'unreachable', errno: 'ENETUNREACH', host: null, port: null, hints: ['proxy-context', 'in-container'] }), [], noProbe(npm)), min: 0.85, vars: { container: '1' } },
    { name: 'a public registry alone: listed, not first', ctx: ctx(npm, [], noProbe(npm)), max: 0.5 },
    {
      name: 'proxy words, and the direct way times out from here too',
      ctx: ctx(behind, [dns('registry.npmjs.org', ['104.16.22.35']), tcp('104.16.22.35', 'timeout', at)]), min: 0.95, evidence: /direct way out fails here too/,
    },
    { name: 'proxy words, but it answers directly from this machine (the command): doubtful', ctx: ctx(behind, [tcp('104.16.22.35', 'open', at)]), max: 0.45 },
    { name: 'proxy words, and it answers from the bot\'s network: that says nothing about the reporter\'s', ctx: ctx(behind, [tcp('104.16.22.35', 'open', at)], probePlan(behind, { surface: 'chat' })), min: 0.86 },
    { name: 'a stale proxy setting and proxy words: beside proxy-refused', ctx: ctx(stale, [], noProbe(stale)), min: 0.8, max: 0.9, vars: { stale: '1', staleProxy: '127.0.0.1:8087' } },
    {
      name: 'a typical proxy port on the far end, with proxy words (yarn\'s "tunneling socket" to :8080)',
      ctx: ctx(facts({ kind: 'timeout', errno: 'ETIMEDOUT', host: '93.184.216.34', port: 8080, hints: ['proxy-context'] }), [], noProbe(npm)), min: 0.8, vars: { stale: '1' },
    },
  ],
  quiet: [
    { name: 'no words, no public host', ctx: ctx(facts({ kind: 'timeout', host: 'api.vendor.example', port: 443 }), [], noProbe(npm)) },
    { name: 'an internal server, even with office words', ctx: ctx(facts({ kind: 'refused', host: '10.1.2.3', port: 5432, hints: ['office-network'] }), [], noProbe(npm)) },
    { name: 'office words about SSH (a firewall, not a proxy)', ctx: ctx(facts({ kind: 'reset', host: '203.0.113.90', port: 22, service: 'ssh', hints: ['office-network'] }), [], noProbe(npm)) },
    { name: 'localhost', ctx: ctx(facts({ kind: 'refused', host: 'localhost', port: 3000, hints: ['proxy-context'] }), [], noProbe(npm)) },
    { name: 'a TLS error (a proxy that inspects TLS is tls-certificate\'s story)', ctx: ctx(facts({ ...behind, kind: 'tls' }), [], noProbe(npm)) },
    { name: 'a stale proxy without any words: proxy-refused alone', ctx: ctx(facts({ ...stale, hints: ['proxy', 'public-registry'] }), [], noProbe(stale)) },
  ],
});

describe('proxy-required in the ranking', () => {
  it('git to github.com refused on an office network behind a PAC proxy: first', () => {
    const f = parse("fatal: unable to access 'https://github.com/some-org/plugins/': Failed to connect to github.com port 443: Connection refused\n\nthe office network only gets out through a .pac configured proxy\n");
    const ids = ranking(ctx(f, [], noProbe(f)));
    assert.equal(ids[0], 'proxy-required', ids.join(' > '));
    assert.ok(ids.includes('not-listening'));
  });

  it('a JVM download times out "behind a proxy": first, above firewall-drop', () => {
    const f = parse('Downloading https://services.gradle.org/distributions/gradle-8.5-bin.zip\nException in thread "main" java.net.ConnectException: Connection timed out: connect\n\nwe\'re behind a proxy at work\n');
    const ids = ranking(ctx(f, [], noProbe(f)));
    assert.equal(ids[0], 'proxy-required', ids.join(' > '));
    assert.ok(ids.includes('firewall-drop'));
  });

  it('npm EAI_AGAIN behind the corporate proxy: first, above dns-not-found', () => {
    const f = parse('npm ERR! code EAI_AGAIN\nnpm ERR! getaddrinfo EAI_AGAIN registry.npmjs.org:443\n\nwe are behind the corporate proxy here\n');
    const ids = ranking(ctx(f, [], noProbe(f)));
    assert.equal(ids[0], 'proxy-required', ids.join(' > '));
  });

  it('a stale proxy: proxy-refused stays first, proxy-required next to it', () => {
    const f = parse("fatal: unable to access 'https://github.com/acme/tools.git/': Failed to connect to 192.168.1.1 port 8083: Connection refused\n\nas far as I know I don't use any proxy\n");
    const ids = ranking(ctx(f, [], noProbe(f)));
    assert.equal(ids[0], 'proxy-refused', ids.join(' > '));
    assert.ok(ids.includes('proxy-required'), ids.join(' > '));
  });

  it('a reverse proxy\'s log words are not a forward proxy', () => {
    const f = parse('2017/03/22 16:40:11 proxy error: Get http://127.0.0.1:5001/v1/items: dial tcp 127.0.0.1:5001: connect: connection refused');
    assert.ok(!ranking(ctx(f, [], noProbe(f))).includes('proxy-required'));
  });

  it('steps: see and set HTTPS_PROXY / NO_PROXY, git, npm, pip and the JVM, on every OS; clearing only for a stale setting', () => {
    const all = (f: ReturnType<typeof facts>) => evaluate([proxyRequired], buildContext(f, [], skipPlan(f, 'no-probe')))[0]!.steps;
    const direct = all(behind);
    const text = direct.flatMap((s) => [s.text, ...s.commands.map((c) => c.run)]).join('\n');
    for (const want of [/env \| grep -i _proxy/, /export HTTPS_PROXY=http:\/\/<proxy-host>:<proxy-port> /, /NO_PROXY=localhost,127\.0\.0\.1/, /git config --global http\.proxy/, /npm config set https-proxy/, /pip install --proxy/, /-Dhttps\.proxyHost=/, /\$env:HTTPS_PROXY/]) {
      assert.match(text, want);
    }
    assert.doesNotMatch(text, /--unset http\.proxy/);
    for (const os of OSES) assert.ok(direct.some((s) => s.commands.some((c) => c.os === os)), `no ${os} command`);
    const old = all(stale).flatMap((s) => [s.text, ...s.commands.map((c) => c.run)]).join('\n');
    assert.match(old, /git config --global --unset http\.proxy/);
    assert.match(old, /127\.0\.0\.1:8087/);
    assert.doesNotMatch(old, /export HTTPS_PROXY=/);
  });

  it('probes show the direct path dropped: above firewall-drop', () => {
    const ids = ranking(ctx(behind, [dns('registry.npmjs.org', ['104.16.22.35']), tcp('104.16.22.35', 'timeout', at)], probePlan(behind)));
    assert.equal(ids[0], 'proxy-required', ids.join(' > '));
    assert.ok(ids.includes('firewall-drop'));
  });
});
