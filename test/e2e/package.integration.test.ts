/**
 * The package as users install it: `npm pack`, then `npm install -g` of that
 * tarball into a throwaway prefix, then the installed `pvlook` command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { jsonLinesUntil } from '../helpers/json-lines.js';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '../..');

test('npm pack, npm install -g of the tarball, and the installed pvlook runs', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-pack-'));
  try {
    const packed = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, maxBuffer: 16 << 20 });
    const tarball = path.join(dir, packed.stdout.trim().split('\n').pop()!);
    const prefix = path.join(dir, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: dir, maxBuffer: 16 << 20 });
    const pvlook = path.join(prefix, 'bin', 'pvlook');
    const version = await run(pvlook, ['--version'], { cwd: dir });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assertLinksResolve(path.join(prefix, 'lib', 'node_modules', 'pvlook'));
    // Watch the demo until the fleet has a rate and shows its one host that is down on purpose.
    const demo = spawn(pvlook, ['demo', '--json', '-n', '0.3'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const views = await jsonLinesUntil<{ total: { rate: number; failed: number } }>(demo, (view) => view.total.rate > 0 && view.total.failed === 1);
      assert.ok(views.length >= 1);
    } finally {
      demo.kill('SIGTERM');
    }
    await checkWebView(pvlook, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The README and docs/ link to each other and to deploy/: every relative link leads to a file of the package. */
function assertLinksResolve(installed: string): void {
  const documents = ['README.md', ...readdirSync(path.join(installed, 'docs')).filter((name) => name.endsWith('.md')).map((name) => path.join('docs', name))];
  for (const document of documents) {
    const text = readFileSync(path.join(installed, document), 'utf8');
    for (const [, target] of text.matchAll(/\]\(((?!https?:|#|mailto:)[^)#\s]+)/g)) {
      assert.ok(existsSync(path.join(installed, path.dirname(document), target!)), `${document} links to ${target}, which the package lacks`);
    }
  }
}

/** The web view's page and modules are in the package too (tsc alone would not copy them). */
async function checkWebView(pvlook: string, dir: string): Promise<void> {
  const child = spawn(pvlook, ['demo', '--web', '127.0.0.1:0'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        const match = /web view at (\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`pvlook exited ${code}: ${stderr}`)));
    });
    for (const file of ['', 'main.js', 'fleet-store.js', 'display-format.js', 'style.css']) {
      const response = await fetch(url + file);
      assert.equal(response.status, 200, file);
      const body = await response.text();
      assert.ok(body.length > 100, file);
      // Core's module itself, beside the page (a sibling URL, so a proxy's path prefix holds).
      if (file === 'display-format.js') assert.match(body, /export function formatRate/);
    }
  } finally {
    child.kill('SIGTERM');
  }
}
