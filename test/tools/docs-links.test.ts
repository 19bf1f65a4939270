/**
 * The README, docs/, BENCHMARKS.md and deploy/README.md link to each other:
 * every relative link leads to a file of the repository, and every `#anchor`
 * to a heading of that file (GitHub's rule: lower case, punctuation dropped,
 * spaces as dashes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '../..');
const documents = ['README.md', 'BENCHMARKS.md', 'deploy/README.md', ...readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replaceAll(' ', '-');

function headings(file: string): Set<string> {
  const text = readFileSync(path.join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#+ (.*)$/gm)].map(([, heading]) => slug(heading!)));
}

test('every relative link and anchor in the documentation leads somewhere', () => {
  const broken: string[] = [];
  for (const document of documents) {
    const text = readFileSync(path.join(root, document), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?|mailto):/.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const linked = file === '' ? document : path.normalize(path.join(path.dirname(document), file));
      if (!existsSync(path.join(root, linked))) broken.push(`${document}: ${target} (no such file)`);
      else if (anchor !== undefined && linked.endsWith('.md') && !headings(linked).has(anchor)) broken.push(`${document}: ${target} (no such heading)`);
    }
  }
  assert.deepEqual(broken, []);
});
