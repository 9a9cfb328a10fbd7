// The policy variables: read and checked by the configuration schema, every mistake named with its fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, VARIABLES } from '../../src/config.js';
import { checkHost, checkTarget } from '../../src/policy/index.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };

describe('policy configuration', () => {
  it('out of the box: loopback refused in chat, everything else outside the built-in denies allowed', () => {
    const r = loadConfig(base);
    assert.ok(r.ok);
    assert.equal(r.config.allowLoopback, false);
    const p = r.config.policy;
    assert.equal(checkHost('127.0.0.1', p).allowed, false);
    assert.equal(checkHost('169.254.169.254', p).allowed, false);
    assert.equal(checkTarget('10.1.2.3', 5432, p).allowed, true);
    assert.equal(p.contact, null);
  });

  it('reads the allow and deny lists, the ports and the contact', () => {
    const r = loadConfig({
      ...base,
      REFUSED_ALLOW_LOOPBACK: 'true',
      REFUSED_ALLOW_HOSTS: '10.0.0.0/8, *.corp.example',
      REFUSED_DENY_HOSTS: '10.9.0.0/16 vault.corp.example',
      REFUSED_ALLOW_PORTS: '443,5432,8000-8999',
      REFUSED_DENY_PORTS: '8080',
      REFUSED_POLICY_CONTACT: ' #platform-help ',
    });
    assert.ok(r.ok, r.ok ? '' : r.problems.join('\n'));
    const p = r.config.policy;
    assert.equal(p.allowLoopback, true);
    assert.equal(p.contact, '#platform-help');
    assert.deepEqual(p.allow!.nets.map((n) => n.text), ['10.0.0.0/8']);
    assert.deepEqual(p.allow!.names.map((n) => n.text), ['*.corp.example']);
    assert.deepEqual(p.deny!.ports, [{ lo: 8080, hi: 8080 }]);
    assert.equal(checkTarget('10.1.2.3', 443, p).allowed, true);
    assert.equal(checkTarget('10.9.1.1', 443, p).allowed, false);
    assert.equal(checkTarget('10.1.2.3', 8080, p).allowed, false);
    assert.equal(checkTarget('10.1.2.3', 22, p).allowed, false);
  });

  it('names every mistake at once, each with the variable, the entry and the fix', () => {
    const r = loadConfig({
      ...base,
      REFUSED_ALLOW_HOSTS: '10.0.0.1/8, 127.1, db-*.corp',
      REFUSED_DENY_HOSTS: '300.1.1.1',
      REFUSED_ALLOW_PORTS: '0, 90-80',
      REFUSED_DENY_PORTS: 'smtp',
      REFUSED_ALLOW_LOOPBACK: 'maybe',
      REFUSED_POLICY_CONTACT: 'x'.repeat(201),
    });
    assert.ok(!r.ok);
    const text = r.problems.join('\n');
    const expect: RegExp[] = [
      /^REFUSED_ALLOW_HOSTS entry "10\.0\.0\.1\/8" has bits set beyond the \/8 prefix; write 10\.0\.0\.0\/8/m,
      /^REFUSED_ALLOW_HOSTS entry "127\.1" is an unusual spelling of 127\.0\.0\.1/m,
      /^REFUSED_ALLOW_HOSTS entry "db-\*\.corp" has a \* that is not at the start/m,
      /^REFUSED_DENY_HOSTS entry "300\.1\.1\.1" is not a valid IP address/m,
      /^REFUSED_ALLOW_PORTS entry "0" is outside 1–65535/m,
      /^REFUSED_ALLOW_PORTS entry "90-80" runs backwards; write 80-90/m,
      /^REFUSED_DENY_PORTS entry "smtp" is not a port or range/m,
      /^REFUSED_ALLOW_LOOPBACK must be true or false/m,
      /^REFUSED_POLICY_CONTACT must be at most 200 characters/m,
    ];
    for (const e of expect) assert.match(text, e);
    assert.equal(r.problems.length, expect.length, text);
  });

  it('NAT64 prefixes: read, applied, and every bad entry named with its fix', () => {
    const r = loadConfig({ ...base, REFUSED_NAT64_PREFIXES: '2001:db8:64::/96, 2001:db8:100::/40' });
    assert.ok(r.ok, r.ok ? '' : r.problems.join('\n'));
    assert.deepEqual(r.config.policy.nat64!.map((n) => n.text), ['2001:db8:64::/96', '2001:db8:100::/40']);
    assert.equal(checkHost('2001:db8:64::a9fe:a9fe', r.config.policy).allowed, false);
    assert.equal(checkHost('2001:db8:64::a00:5', r.config.policy).allowed, true);
    const plain = loadConfig(base);
    assert.ok(plain.ok);
    assert.equal(checkHost('2001:db8:64::a9fe:a9fe', plain.config.policy).allowed, true, 'without the prefix it is ordinary IPv6');
    const bad = loadConfig({ ...base, REFUSED_NAT64_PREFIXES: '2001:db8:64::/80, 10.0.0.0/8, 2001:db8:64::' });
    assert.ok(!bad.ok);
    const text = bad.problems.join('\n');
    assert.match(text, /^REFUSED_NAT64_PREFIXES entry "2001:db8:64::\/80" has prefix length 80; RFC 6052 allows only 32, 40, 48, 56, 64 or 96/m);
    assert.match(text, /^REFUSED_NAT64_PREFIXES entry "10\.0\.0\.0\/8" is an IPv4 network/m);
    assert.match(text, /^REFUSED_NAT64_PREFIXES entry "2001:db8:64::" has no prefix length; write it as 2001:db8:64::\/96/m);
    assert.equal(bad.problems.length, 3, text);
  });

  it('the probe budget: 40 ports per address per minute unless set; 0 turns it off; nonsense is named', () => {
    const r = loadConfig(base);
    assert.ok(r.ok);
    assert.equal(r.config.policy.probeBudgetPerHost, 40);
    const set = loadConfig({ ...base, REFUSED_PROBE_BUDGET_PER_HOST: '100' });
    assert.ok(set.ok && set.config.policy.probeBudgetPerHost === 100);
    const off = loadConfig({ ...base, REFUSED_PROBE_BUDGET_PER_HOST: '0' });
    assert.ok(off.ok && off.config.policy.probeBudgetPerHost === undefined);
    const bad = loadConfig({ ...base, REFUSED_PROBE_BUDGET_PER_HOST: 'lots' });
    assert.ok(!bad.ok);
    assert.match(bad.problems.join('\n'), /^REFUSED_PROBE_BUDGET_PER_HOST must be a whole number from 0 to 65535, got "lots"/m);
  });

  it('every policy variable is documented', () => {
    for (const name of ['REFUSED_ALLOW_HOSTS', 'REFUSED_DENY_HOSTS', 'REFUSED_ALLOW_PORTS', 'REFUSED_DENY_PORTS', 'REFUSED_POLICY_CONTACT', 'REFUSED_ALLOW_LOOPBACK', 'REFUSED_NAT64_PREFIXES', 'REFUSED_PROBE_BUDGET_PER_HOST']) {
      assert.ok(VARIABLES[name]?.help, name);
    }
  });
});
