// The rule table is complete: every rule file is listed, tested and named after its id; every contract
// cause id has a rule; the data of each rule is well-formed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CAUSE_IDS, OSES } from '../../src/domain/types.js';
import { RulesFileError } from '../../src/errors.js';
import { loadRulesText } from '../../src/rules/custom.js';
import { RULES } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/types.js';
import { moduleFor, ROOT } from '../root.js';

const srcDir = join(ROOT, 'src', 'rules');
// Engine files, not rules (custom.ts loads operators' rules from YAML; operator.ts applies them; commands.ts
// builds the per-OS command lines the rules hand out; questions.ts asks what re-ranks them; feedback.ts moves
// them by a workspace's votes).
const NOT_RULES = new Set(['index', 'evaluate', 'view', 'types', 'verdict', 'custom', 'operator', 'commands', 'questions', 'feedback']);
const ruleFiles = readdirSync(srcDir).filter((n) => n.endsWith('.ts') && !NOT_RULES.has(n.slice(0, -3))).map((n) => n.slice(0, -3));

const isRule = (v: unknown): v is Rule => typeof v === 'object' && v !== null && typeof (v as Rule).when === 'function' && typeof (v as Rule).id === 'string';

describe('rule table', () => {
  it('finds the rule files', () => {
    assert.ok(ruleFiles.length >= CAUSE_IDS.length, `only ${ruleFiles.length} rule files`);
  });

  for (const name of ruleFiles) {
    it(`${name}.ts exports one rule with that id, listed in RULES, with a test file`, async () => {
      const mod = (await import(pathToFileURL(moduleFor(`src/rules/${name}.ts`)).href)) as Record<string, unknown>;
      const rules = Object.values(mod).filter(isRule);
      assert.equal(rules.length, 1, `${name}.ts should export exactly one Rule`);
      assert.equal(rules[0]!.id, name, 'the file is named after the rule id');
      assert.ok(RULES.includes(rules[0]!), `${name} is not in RULES`);
      assert.ok(existsSync(join(ROOT, 'test', 'rules', `${name}.test.ts`)), `test/rules/${name}.test.ts is missing`);
    });
  }

  it('has a rule for every contract cause id, and no id twice', () => {
    const ids = RULES.map((r) => r.id);
    for (const id of CAUSE_IDS) assert.ok(ids.includes(id), `no rule for ${id}`);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
    assert.equal(RULES.length, ruleFiles.length, 'RULES lists something that has no file of its own');
  });

  it('CAUSE_IDS and the ids in RULES are the same list, both ways (operators cannot take a built-in id)', () => {
    const ids = RULES.map((r) => r.id);
    const contract: readonly string[] = CAUSE_IDS;
    for (const id of ids) assert.ok(contract.includes(id), `${id} has a rule but is missing from CAUSE_IDS`);
    for (const id of contract) assert.ok(ids.includes(id), `CAUSE_IDS lists ${id}, which has no rule`);
    assert.equal(new Set(contract).size, contract.length, 'an id twice in CAUSE_IDS');
  });

  it('an operator rule that takes any built-in id is refused, naming the id', () => {
    for (const { id } of RULES) {
      const yaml = `rules:\n  - { id: ${id}, title: mine, when: {} }\n`;
      assert.throws(
        () => loadRulesText(yaml, 'ops.yml'),
        (err: Error) => err instanceof RulesFileError && err.message.includes(`"${id}" is a built-in cause id`),
        `an operator rule with the id ${id} was accepted`,
      );
    }
  });

  for (const rule of RULES) {
    it(`${rule.id}: title, explanation, steps and docs are well-formed`, () => {
      assert.ok(rule.title.length > 0 && rule.title.length <= 150 && !rule.title.endsWith('.'), 'a short title without a full stop (the verdict adds it)');
      assert.ok(rule.explanation.length >= 80, 'an explanation that says why');
      assert.ok(rule.steps.length > 0, 'at least one step');
      for (const step of rule.steps) {
        assert.ok(step.text.length > 0);
        for (const c of step.commands ?? []) {
          assert.ok(c.run.trim().length > 0);
          if (c.os !== undefined) assert.ok((OSES as readonly string[]).includes(c.os));
          // ${VAR} would be eaten by the placeholder filler; shell variables are written $VAR here.
          assert.doesNotMatch(c.run, /\$\{/, 'write shell variables as $VAR');
          // {target} reads "the server" when no host is known: fine in a sentence, wrong in a command.
          assert.doesNotMatch(c.run, /\{target\}/, 'commands use {endpoint}');
        }
      }
      if (rule.docs !== undefined) assert.match(rule.docs, /^https:\/\/[^\s]+$/);
    });
  }

  it('the rules about the network path give commands for Linux, macOS and Windows', () => {
    const everywhere = ['not-listening', 'local-target', 'firewall-drop', 'firewall-reject', 'host-unreachable', 'dns-not-found', 'dns-mismatch', 'family-mismatch', 'bound-to-loopback', 'reachable-from-here', 'wrong-port', 'intermittent', 'blocked-by-policy', 'service-mismatch', 'proxy-refused', 'unix-socket-missing', 'kubectl-no-config'];
    for (const id of everywhere) {
      const rule = RULES.find((r) => r.id === id)!;
      const oses = new Set(rule.steps.flatMap((s) => (s.commands ?? []).map((c) => c.os)));
      for (const os of OSES) assert.ok(oses.has(os), `${id} has no ${os} command`);
    }
  });
});
