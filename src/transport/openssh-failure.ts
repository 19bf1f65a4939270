/**
 * What the system `ssh` says when it fails, turned into pvlook's failure
 * words. ssh exits with 255 for its own errors and prints one or a few lines
 * on stderr; any other status is the remote command's own. The text is the
 * host's and the network's (a banner, a DNS name): shown, never obeyed.
 */
import { HostError } from '../errors.js';
import { type FailureStatus } from '../core/failure-status.js';

/** ssh's exit status for its own failures (connection, authentication, host key). */
export const SSH_FAILED = 255;

const KINDS: readonly [RegExp, FailureStatus][] = [
  // Host keys first: a changed key also prints other lines, and must never read as a mere login failure.
  [/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|host key is known for .* strict checking|Certificate invalid|Host key .* revoked/i, 'hostkey'],
  [/Permission denied|Too many authentication failures|no mutual signature|Authentication failed/i, 'auth'],
  [/Could not resolve hostname|Name or service not known|Temporary failure in name resolution/i, 'dns'],
  [/Connection refused/i, 'refused'],
  [/Connection timed out|Operation timed out|timed out during banner exchange/i, 'timeout'],
  [/No route to host|Network is unreachable|Connection closed|Connection reset|kex_exchange_identification|Broken pipe|not responding/i, 'unreachable'],
];

/** A failure of ssh itself (exit 255) before the remote shell ever answered. */
export function sshFailure(stderr: string, where: string): HostError {
  const lines = meaningfulLines(stderr);
  const status = KINDS.find(([pattern]) => lines.some((line) => pattern.test(line)))?.[1] ?? 'error';
  const said = lines[0] ?? 'no message';
  return new HostError(status, `ssh to ${where} failed: ${said}`);
}

/** Whether ssh says its connection went away (as opposed to the remote shell exiting with status 255). */
export function saysConnectionLost(stderr: string): boolean {
  return meaningfulLines(stderr).some((line) => /closed by remote host|Connection to .* closed|Broken pipe|Timeout, server .* not responding|Connection reset/i.test(line));
}

/** "exit status N" or "killed by SIGX", as the SSH transport words it. */
export function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return code !== null ? `exit status ${code}` : `killed by ${signal ?? 'a signal'}`;
}

/**
 * stderr lines worth showing (escaped where they are shown): without the banner of '@' around a
 * changed-key warning, and without notes that are not the failure.
 */
function meaningfulLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.replace(/^[@\s]+|[@\s]+$/g, ''))
    .filter((line) => line !== '' && !/^Warning: Permanently added/i.test(line))
    .map((line) => line.slice(0, 200));
}
