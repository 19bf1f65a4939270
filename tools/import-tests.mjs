// Load test files into this one process, in order: node:test runs each file's
// tests as it registers them. For unit tests, which start nothing and share
// no state; see run-tests.mjs.
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import process from 'node:process';

for (const file of process.argv.slice(2)) await import(pathToFileURL(path.resolve(file)).href);
