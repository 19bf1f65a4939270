/** Regenerate the README's option tables from the commands' own help text: npm run options */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withOptionTables } from '../src/cli/options-table.js';

const file = path.join(import.meta.dirname, '..', 'README.md');
writeFileSync(file, withOptionTables(readFileSync(file, 'utf8')));
console.log(`wrote the option tables of ${path.relative(process.cwd(), file)}`);
