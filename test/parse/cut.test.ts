// A paste longer than the parser reads keeps its start and its end (the newest error is usually last), and the
// answer says what was cut: in the facts' notes (the JSON), and in the text the terminal prints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { cutMarker, cutNote, keepEnds } from '../../src/parse/cut.js';
import { parse } from '../../src/parse/index.js';
import { MAX_INPUT, toLines } from '../../src/parse/normalize.js';
import { renderText } from '../../src/render/text/index.js';

const NOISE = '2024-01-01T00:00:00Z INFO worker heartbeat ok host=app-1 port=8080 elapsed=12ms a=b\n';
const noise = (bytes: number) => NOISE.repeat(Math.ceil(bytes / NOISE.length));

test('an error only at the very end of a 2.3 MB paste is found, and the notes say what was cut', () => {
  const text = `${noise(2.3 * 1024 * 1024)}Error: connect ECONNREFUSED 10.0.0.7:6379\n`;
  assert.ok(text.length > 4 * MAX_INPUT);
  const f = parse(text);
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, '10.0.0.7');
  assert.equal(f.port, 6379);
  const note = f.notes.find((n) => n.startsWith('The paste was'));
  assert.ok(note, JSON.stringify(f.notes));
  assert.match(note, /^The paste was 2\.3 MB; kept the first [\d,]+ lines and the last [\d,]+; [\d,]+ lines in between were not read\.$/);
  // The numbers add up to the paste's lines (the marker line is not one of them).
  const [first, last, between] = [...note.matchAll(/[\d,]+(?= lines| lines in|;)/g)].map((m) => Number(m[0].replace(/,/g, '')));
  const lines = text.split('\n').length - 1;
  assert.equal(first! + last! + between!, lines, note);
});

test('an error at the start of a long paste is still found', () => {
  const f = parse(`Error: connect ECONNREFUSED 127.0.0.1:5432\n${noise(1024 * 1024)}`);
  assert.equal(f.kind, 'refused');
  assert.equal(f.port, 5432);
  assert.ok(f.notes.some((n) => n.startsWith('The paste was 1.0 MB; kept the first')));
});

test('a paste under the cap is read whole and says nothing about cutting', () => {
  const text = `${noise(100 * 1024)}dial tcp 10.1.1.1:443: connect: connection refused\n`;
  assert.equal(keepEnds(text, { maxChars: MAX_INPUT }).cut, null);
  const f = parse(text);
  assert.equal(f.host, '10.1.1.1');
  assert.ok(!f.notes.some((n) => n.startsWith('The paste was')), JSON.stringify(f.notes));
});

test('the diagnosis JSON carries the note and the terminal answer prints it', async () => {
  const text = `${noise(600 * 1024)}psql: error: connection to server at "db.internal" (10.0.0.9), port 5432 failed: Connection refused\n`;
  const d = await diagnose({ type: 'paste', text }, { surface: 'cli', probe: false, hostname: 'test' });
  const json = JSON.parse(JSON.stringify(d)) as { facts: { notes: string[]; host: string } };
  assert.equal(json.facts.host, 'db.internal');
  const note = json.facts.notes.find((n) => n.startsWith('The paste was'));
  assert.ok(note, JSON.stringify(json.facts.notes));
  for (const verbose of [false, true]) {
    const out = renderText(d, { color: false, os: 'linux', width: 1000, verbose });
    assert.ok(out.includes(note), `${verbose ? 'verbose' : 'default'} text lacks the note:\n${out}`);
  }
});

test('the cut falls on line boundaries: the start ends with a whole line, the end starts with one, a marker between', () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 70)}`);
  const text = `${lines.join('\n')}\n`;
  const { text: kept, cut } = keepEnds(text, { maxChars: 64 * 1024 });
  assert.ok(cut);
  assert.ok(kept.length <= 64 * 1024, `${kept.length}`);
  const out = kept.split('\n');
  const at = out.findIndex((l) => l.startsWith('[…'));
  assert.equal(out[at], cutMarker(cut.lines, cut.bytes));
  assert.match(out[at]!, /^\[… [\d,]+ lines \([\d,]+ KB\) cut …\]$/);
  // Every kept line is a whole line of the paste, in order, and the paste's last line is kept.
  const head = out.slice(0, at);
  const tail = out.slice(at + 1, -1);
  assert.deepEqual(head, lines.slice(0, head.length));
  assert.deepEqual(tail, lines.slice(lines.length - tail.length));
  assert.equal(head.length + tail.length + cut.lines, lines.length);
  // About 40% of the room for the start, 60% for the end.
  const headShare = head.join('\n').length / (head.join('\n').length + tail.join('\n').length);
  assert.ok(headShare > 0.35 && headShare < 0.45, `${headShare}`);
});

test('a paste of more lines than are read keeps the first and the last lines', () => {
  const text = `${'ok\n'.repeat(100_000)}dial tcp 10.1.1.1:443: connect: connection refused`;
  const f = parse(text);
  assert.equal(f.host, '10.1.1.1');
  assert.ok(
    f.notes.some((n) => /kept the first 7,999 lines and the last 12,000; 80,002 lines in between were not read\.$/.test(n)),
    JSON.stringify(f.notes),
  );
});

test('a paste on one long line keeps its first and its last kilobytes, and says so in sizes', () => {
  const text = `${'a'.repeat(1024 * 1024)} dial tcp 10.1.1.1:443: connect: connection refused`;
  const f = parse(text);
  assert.equal(f.host, '10.1.1.1');
  assert.ok(
    f.notes.some((n) => /^The paste was 1\.0 MB; kept its first [\d,]+ KB and its last [\d,]+ KB; [\d,]+ KB in between were not read\.$/.test(n)),
    JSON.stringify(f.notes),
  );
});

test('a secret that the cut would split is dropped whole, not half-read', () => {
  const secret = 'S3cretPwQ7zK9mW2';
  const token = `postgres://app:${secret}@db.internal:5432/app`;
  const room = MAX_INPUT - 64;
  const tailChars = room - Math.floor(room * 0.4);
  // One long line, with the token where the end's cut falls: four characters into the password.
  const error = ' dial tcp 10.1.1.1:5432: connect: connection refused ';
  const after = `${error}${'b'.repeat(tailChars - token.length + token.indexOf(secret) + 4 - error.length)}`;
  const text = `${'a '.repeat(300_000)}${token}${after}`;
  assert.equal(text.length - tailChars, 600_000 + token.indexOf(secret) + 4);
  const kept = keepEnds(text, { maxChars: MAX_INPUT }).text;
  assert.ok(!kept.includes(secret.slice(4)), 'the part of the password after the cut was kept');
  const facts = JSON.stringify(parse(text));
  for (const piece of [secret, secret.slice(4), secret.slice(8)]) assert.ok(!facts.includes(piece), facts);
  assert.equal(parse(text).host, '10.1.1.1');
});

test('a cut inside a stretch that was already cut counts both', () => {
  const first = keepEnds(`${noise(300 * 1024)}end\n`, { maxChars: 200 * 1024 });
  assert.ok(first.cut);
  const again = keepEnds(`${noise(600 * 1024)}${first.text}${noise(600 * 1024)}`, { maxChars: 100 * 1024 });
  assert.ok(again.cut);
  const note = cutNote(again.text)!;
  const whole = noise(600 * 1024).length * 2 + noise(300 * 1024).length + 4;
  const mb = Number(/was ([\d.]+) MB/.exec(note)![1]);
  assert.ok(Math.abs(mb - whole / 1024 / 1024) < 0.05, `${note} for ${whole} bytes`);
  const lines = (noise(600 * 1024).split('\n').length - 1) * 2 + (noise(300 * 1024).split('\n').length - 1) + 1;
  const [a, b, c] = [...note.matchAll(/[\d,]+(?= lines| lines in|;)/g)].map((m) => Number(m[0].replace(/,/g, '')));
  assert.equal(a! + b! + c!, lines, note);
});

test('a marker line is not an error, and a paste that is only a marker says what was cut', () => {
  const f = parse(cutMarker(12_000, 2_310 * 1024));
  assert.equal(f.kind, 'none');
  assert.deepEqual(f.notes, [
    'no connection error found in the text',
    'The paste was 2.3 MB; kept the first 0 lines and the last 0; 12,000 lines in between were not read.',
  ]);
});

test('more clean lines than are read (a JSON-escaped log opening up) keeps the first and the last', () => {
  const escaped = `${'{"log":"'}${'retrying\\n'.repeat(30_000)}Error: connect ECONNREFUSED 10.2.2.2:6379\\n"}`;
  const lines = toLines(escaped);
  assert.ok(lines.length <= 20_000, `${lines.length}`);
  assert.ok(lines.some((l) => l.startsWith('[… ')));
  assert.ok(lines.some((l) => l.includes('ECONNREFUSED 10.2.2.2:6379')));
});
