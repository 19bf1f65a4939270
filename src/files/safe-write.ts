/**
 * pvlook's own writes on the local machine, often as root, into folders
 * other users may write to (a textfile collector's folder): never through a
 * name someone else could have planted, never following a link they made.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replace `target` with `content` atomically: readers see the old file or
 * the new one, never half. The temporary file has an unpredictable name and
 * is created exclusively (O_EXCL fails on anything already there, a link
 * included); the rename replaces a link at `target` rather than following it.
 */
export async function replaceFile(target: string, content: string, mode = 0o644): Promise<void> {
  // A leading dot and no .prom ending: the textfile collector skips it.
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Append one line to a private file of the user's (a known_hosts file), as
 * OpenSSH does, but only in a folder no one else may write to: there a link
 * at `file` can only be the user's own. Writing to a device (/dev/null) is
 * skipped. Returns whether the line was written; throws where it may not be.
 * Synchronous: it runs inside a host-key verifier, once per new host.
 */
export function appendPrivateLine(file: string, line: string): boolean {
  const folder = path.dirname(file);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const info = statSync(folder);
  const uid = process.getuid?.() ?? info.uid;
  if ((info.uid !== uid && info.uid !== 0) || (info.mode & 0o022) !== 0) {
    throw new Error(`refusing to write ${file}: its folder ${folder} is writable by others or not yours`);
  }
  const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
  try {
    if (!fstatSync(fd).isFile()) return false;
    writeSync(fd, line.endsWith('\n') ? line : `${line}\n`);
    return true;
  } finally {
    closeSync(fd);
  }
}
