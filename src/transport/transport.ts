/**
 * What pvlook needs from the network: a `/bin/sh -s` (or `sudo -n /bin/sh -s`) running on a host, to
 * write requests to and read answers from. The SSH implementation keeps one
 * connection per host and opens the shell as a channel on it; tests and the
 * demo can pass anything with this shape.
 */
import type { HostError } from '../errors.js';
import type { HostTarget } from '../core/host-target.js';
import type { HostKeyCheck } from './host-key-check.js';
import type { AuthMethod } from './ssh-auth.js';
import type { SshSettings } from './ssh-settings.js';

export interface ShellListeners {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** called once when the shell, its channel or its connection is gone */
  closed(reason: HostError): void;
}

export interface RemoteShell {
  write(text: string): void;
  /** end the shell's stdin: it exits after what it has been sent */
  end(): void;
  /** give up on this shell now, and on the connection under it: after a timeout or a broken answer neither can be trusted */
  abandon(): void;
}

/**
 * Told that the host now waits in one of pvlook's own queues (a handshake
 * slot for its destination, say), and why; the returned function is called
 * once the wait is over. The sampler stops the sample's deadline meanwhile.
 */
export type QueueHold = (why: string) => () => void;

/**
 * Told what connecting does, hop by hop (jump hosts by name, the target as
 * null), for pvlook doctor: a run passes none. Doctor shows these steps as
 * they happen on the very path a sample takes.
 */
export interface ConnectObserver {
  /** a hop's settings, as ssh -G resolved them */
  resolved?(settings: SshSettings, hop: string | null): void;
  /** the stream to a hop's SSH port is open (TCP, or a channel through the jump host before it) */
  connected?(ms: number, hop: string | null): void;
  /** the host-key check in use: its verdict() says which known_hosts line vouched, or why none did */
  hostKeyCheck?(check: HostKeyCheck, hop: string | null): void;
  /** each login method as it starts: the last one before `loggedIn` is the one that worked */
  authStarted?(method: AuthMethod, hop: string | null): void;
  loggedIn?(ms: number, hop: string | null): void;
}


/** How to start the shell, when not the default. */
export interface OpenShellOptions {
  /** the remote command: SHELL_COMMAND (`/bin/sh -s`) unless the host runs it through sudo (SUDO_SHELL_COMMAND) */
  command?: string;
  hold?: QueueHold;
  observer?: ConnectObserver;
  /**
   * The host's ssh settings, when the caller has just resolved them (the auto
   * transport does, to choose a client): a client that needs them uses these
   * for this connection instead of running `ssh -G` again.
   */
  settings?: SshSettings;
}

export interface Transport {
  /**
   * Start the shell on the host, connecting first if need be, through what
   * its target says (a plain HostSpec takes the defaults). Rejects with a
   * HostError whose status says what went wrong; gives up when `signal` aborts.
   */
  openShell(host: HostTarget, listeners: ShellListeners, signal: AbortSignal, options?: OpenShellOptions): Promise<RemoteShell>;
  /** Close every connection. */
  close(): Promise<void>;
}
