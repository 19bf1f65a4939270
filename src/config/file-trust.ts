/**
 * Whether a config file pvlook found by searching may steer more than what
 * is watched. The rule is OpenSSH's for ~/.ssh/config: owned by the user (or
 * root) and writable by no one else. A file planted by someone else (in /tmp,
 * a shared checkout, a downloaded folder) is read as data only.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** null when the file is the user's own; otherwise why not, in a few words. */
export async function untrustedBecause(file: string, uid = process.getuid?.() ?? null): Promise<string | null> {
  // Without uids (Windows) there is no owner to compare: nothing found by searching is trusted.
  if (uid === null) return 'file ownership cannot be checked on this system';
  const info = await stat(file);
  if (info.uid !== uid && info.uid !== 0) return `it is owned by uid ${info.uid}, not by you`;
  if ((info.mode & 0o022) !== 0) return `it is writable by ${(info.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${(info.mode & 0o777).toString(8)})`;
  // Someone who may replace the file in its folder could have written it.
  const folder = await stat(path.dirname(file));
  const sticky = (folder.mode & 0o1000) !== 0;
  if (folder.uid !== uid && folder.uid !== 0 && !sticky) return `its folder is owned by uid ${folder.uid}, not by you`;
  if ((folder.mode & 0o022) !== 0 && !sticky) return `its folder ${path.dirname(file)} is writable by others`;
  return null;
}
