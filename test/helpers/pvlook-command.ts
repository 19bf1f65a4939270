/** The pvlook command line as a shell runs it from source (tsx), for terminal tests. */
import path from 'node:path';

export const repoRoot = path.join(import.meta.dirname, '../..');

export const pvlookCommand = [process.execPath, '--import', import.meta.resolve('tsx'), path.join(repoRoot, 'src/bin.ts')].map((part) => JSON.stringify(part)).join(' ');
