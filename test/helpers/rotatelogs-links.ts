/**
 * Apache's rotatelogs keeping two names on its current file: a hard link it
 * moves itself as it opens each file (-L), and a symbolic link its -p hook
 * re-points atomically (a new link beside the old one, renamed over it).
 * Before the first line rotatelogs has no file, so both name an empty
 * placeholder: a reader's first look is a baseline of nothing.
 */
import { linkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface RotatelogsLinks {
  symlink: string;
  hardlink: string;
  placeholder: string;
  /** rotatelogs' command line, turning every `periodSeconds`, its files `access.<epoch>` in the folder */
  command(periodSeconds: number): string[];
}

export function rotatelogsLinks(folder: string, names: { symlink: string; hardlink: string }): RotatelogsLinks {
  const symlink = path.join(folder, names.symlink);
  const hardlink = path.join(folder, names.hardlink);
  const hook = path.join(folder, 'repoint.sh');
  writeFileSync(hook, `#!/bin/sh\nln -sf "$1" "${symlink}.new" && mv -fT "${symlink}.new" "${symlink}"\n`, { mode: 0o755 });
  const placeholder = path.join(folder, 'access.placeholder');
  writeFileSync(placeholder, '', { mode: 0o644 });
  symlinkSync(placeholder, symlink);
  linkSync(placeholder, hardlink);
  return { symlink, hardlink, placeholder, command: (periodSeconds) => ['rotatelogs', '-L', hardlink, '-p', hook, path.join(folder, 'access.%s'), String(periodSeconds)] };
}
