/**
 * Copy the web view's page (HTML, CSS, browser modules) into dist/ beside the
 * compiled server, which serves it from there: tsc copies only what it compiles.
 */
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const target = path.join(root, 'dist/web/page');
rmSync(target, { recursive: true, force: true });
cpSync(path.join(root, 'src/web/page'), target, { recursive: true });
console.log(`copied the web page to ${path.relative(root, target)}`);
