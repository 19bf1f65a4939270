/**
 * Read a hosts file: one or more hosts per line, `#` starts a comment.
 * The old pv_look `servers` file reads as it is.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';

export async function readHostsFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder, not a file' : 'cannot read';
    throw new ConfigError(file, [why], { cause: error });
  }
  return parseHostsText(text);
}

export function parseHostsText(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .flatMap((line) => line.split(/\s+/));
}
