/** A newcomer follows the README, CI follows .ci/run: both install what tools/test-tools.mjs lists. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TEST_TOOLS } from '../../tools/test-tools.mjs';

const root = path.join(import.meta.dirname, '../..');

test("the README's install line names exactly the packages the tests need", () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const line = /`apt-get install ([a-z0-9 .+-]+)`/.exec(readme);
  assert.ok(line, 'the README has an apt-get install line for the tests');
  const listed = (TEST_TOOLS as { package: string }[]).map((tool) => tool.package).sort();
  assert.deepEqual(line[1]!.trim().split(/\s+/).sort(), listed);
});

test('.ci/run installs what tools/test-tools.mjs says is missing, and runs the README\'s test command', () => {
  const ci = readFileSync(path.join(root, '.ci/run'), 'utf8');
  assert.match(ci, /node tools\/test-tools\.mjs --missing/);
  assert.match(ci, /^npm test$/m);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.test!, /^node tools\/test-tools\.mjs --check && /);
});
