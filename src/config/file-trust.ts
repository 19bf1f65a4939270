/**
 * A config file pvlook found by searching, read once, safely: opened without
 * following a link at its name, checked on the open descriptor (so what is
 * checked is what is read, whatever is renamed meanwhile), and judged by
 * OpenSSH's rule for ~/.ssh/config: owned by the user (or root) and writable
 * by no one else, in a folder no one else may swap it in. A file planted by
 * someone else (in /tmp, a shared checkout) is read as data only.
 */
import { constants } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FoundFile {
  text: string;
  /** null when the file is the user's own; otherwise why not, in a few words */
  untrusted: string | null;
}

export async function readFoundFile(file: string, uid = process.getuid?.() ?? null): Promise<FoundFile> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    // A link: what it points to may change between any check and the read, so it is data only.
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return { text: await readFile(file, 'utf8'), untrusted: 'it is a symbolic link' };
    throw error;
  }
  try {
    const info = await handle.stat();
    const text = await handle.readFile('utf8');
    return { text, untrusted: await untrustedBecause(info, path.dirname(file), uid) };
  } finally {
    await handle.close();
  }
}

async function untrustedBecause(info: { uid: number; mode: number }, folder: string, uid: number | null): Promise<string | null> {
  // Without uids (Windows) there is no owner to compare: nothing found by searching is trusted.
  if (uid === null) return 'file ownership cannot be checked on this system';
  if (info.uid !== uid && info.uid !== 0) return `it is owned by uid ${info.uid}, not by you`;
  if ((info.mode & 0o022) !== 0) return `it is writable by ${(info.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${(info.mode & 0o777).toString(8)})`;
  // Someone who may replace the file in its folder could have written it (a sticky folder, like /tmp, lets no one replace another's file).
  const where = await stat(folder);
  const sticky = (where.mode & 0o1000) !== 0;
  if (where.uid !== uid && where.uid !== 0 && !sticky) return `its folder is owned by uid ${where.uid}, not by you`;
  if ((where.mode & 0o022) !== 0 && !sticky) return `its folder ${folder} is writable by others`;
  return null;
}
