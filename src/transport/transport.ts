/**
 * What pvlook needs from the network: a `/bin/sh -s` (or `sudo -n /bin/sh -s`) running on a host, to
 * write requests to and read answers from. The SSH implementation keeps one
 * connection per host and opens the shell as a channel on it; tests and the
 * demo can pass anything with this shape.
 */
import type { HostError } from '../errors.js';
import type { HostSpec } from '../core/host-spec.js';

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

/** How to start the shell, when not the default. */
export interface OpenShellOptions {
  /** the remote command: SHELL_COMMAND (`/bin/sh -s`) unless the host runs it through sudo (SUDO_SHELL_COMMAND) */
  command?: string;
  hold?: QueueHold;
}

export interface Transport {
  /**
   * Start the shell on the host, connecting first if need be. Rejects with a
   * HostError whose status says what went wrong; gives up when `signal` aborts.
   */
  openShell(host: HostSpec, listeners: ShellListeners, signal: AbortSignal, options?: OpenShellOptions): Promise<RemoteShell>;
  /** Close every connection. */
  close(): Promise<void>;
}
