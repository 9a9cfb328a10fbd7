// The bench's table printer: rows in the order, columns padded to one width, and a cell that holds a
// pipe or a line break does not break the Markdown table the README quotes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEADER, renderTable, type Row } from '../../bench/lib/table.js';

const row = (n: number, ours: string): Row => ({ n, what: `row ${n}`, ours, theirs: 'nc -z 3 ms', ratio: '1.2×', goal: '≤ 1.3×', met: 'yes', data: {} });

describe('bench table', () => {
  it('prints the header, a rule, and the rows sorted by their number, every line as wide as the others', () => {
    const lines = renderTable([row(3, '350 ms (330–380)'), row(1, 'ack p99 80 ms')]).split('\n');
    assert.equal(lines.length, 4);
    assert.deepEqual(
      lines[0]!
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
      [...HEADER],
    );
    assert.match(lines[1]!, /^\|-+\|/);
    assert.match(lines[2]!, /^\| row 1 /);
    assert.match(lines[3]!, /^\| row 3 /);
    assert.equal(new Set(lines.map((l) => [...l].length)).size, 1);
  });

  it('escapes a pipe and flattens a line break inside a cell', () => {
    const [, , line] = renderTable([row(1, 'a | b\nc')]).split('\n');
    assert.match(line!, /a \\\| b c/);
    assert.equal(line!.split(/(?<!\\)\|/).length, HEADER.length + 2);
  });
});
