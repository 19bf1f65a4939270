/**
 * The commands that fix a refused host key, naming the files the host's own
 * settings use (UserKnownHostsFile, HostKeyAlias, the port): the one place
 * that builds them, for a row's error, for JSON and for pvlook doctor.
 */
import type { LineOrigin } from '../core/known-hosts.js';
import { shQuote } from '../core/shell-quote.js';
import type { SshSettings } from './ssh-settings.js';

type KeySettings = Pick<SshSettings, 'hostname' | 'port' | 'hostKeyAlias' | 'knownHostsFiles' | 'userKnownHostsFiles'>;

/** Where a new key goes: the first UserKnownHostsFile, as ssh itself would record it; null with UserKnownHostsFile none. */
export function userKnownHostsFile(settings: KeySettings): string | null {
  return (settings.userKnownHostsFiles ?? settings.knownHostsFiles)[0] ?? null;
}

/** ssh-keyscan writes the host as it reached it ([host]:port off port 22); a HostKeyAlias must replace that name. */
export function addKeyCommand(keyType: string, name: string, settings: KeySettings): string {
  const scan = `ssh-keyscan -p ${settings.port} -t ${keyType} ${word(settings.hostname)}`;
  const rename = settings.hostKeyAlias !== null ? ` | sed ${shQuote(`s/^[^ ]* /${name.replaceAll('/', '\\/')} /`)}` : '';
  const file = userKnownHostsFile(settings);
  return file === null ? `${scan}${rename} >> KNOWN_HOSTS (UserKnownHostsFile is none: name a file in the ssh config)` : `${scan}${rename} >> ${word(file)}`;
}

/** Remove the stale key from the file that holds it (or the user's file), never ~/.ssh/known_hosts by default. */
export function removeKeyCommand(name: string, origin: LineOrigin | null, settings: KeySettings): string {
  const file = origin?.file ?? userKnownHostsFile(settings);
  return file === null ? `ssh-keygen -R ${word(name)} -f KNOWN_HOSTS` : `ssh-keygen -R ${word(name)} -f ${word(file)}`;
}

/** A word as typed: bare when no shell would read it differently, quoted otherwise. */
function word(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : shQuote(text);
}
