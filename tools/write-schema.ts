/** Regenerate schema/pvlookrc.schema.json from the config schema: npm run schema */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { configJsonSchema } from '../src/config/schema.js';

const file = path.join(import.meta.dirname, '..', 'schema', 'pvlookrc.schema.json');
writeFileSync(file, JSON.stringify(configJsonSchema(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), file)}`);
