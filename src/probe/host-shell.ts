/**
 * One running `/bin/sh -s` on one host, as pvlook uses it: the shell
 * functions are sent once, when it starts; each request is a line, and its
 * answer is what the shell prints up to the request's own end line. Output
 * that belongs to no request (login banners, rc-file chatter) is dropped.
 */
import { HostError } from '../errors.js';
import type { HostTarget } from '../core/host-target.js';
import type { QueueHold, RemoteShell, Transport } from '../transport/transport.js';
import { SHELL_PRELUDE } from './shell-prelude.js';
import { answerEnd, encodeLauncher, newTag, readyEnd } from './wire.js';
import { SHELL_COMMAND } from '../core/shell-command.js';

/** An answer is a line or two per log; a host sending more than this is broken or hostile. */
export const MAX_ANSWER_BYTES = 1 << 20;
/** How much of the shell's stderr is kept to explain a failure. */
const STDERR_KEPT = 2048;

interface Waiter {
  tag: string;
  resolve: (text: string) => void;
  reject: (error: HostError) => void;
}

export class HostShell {
  private shell: Promise<RemoteShell> | null = null;
  /** the shell, once it has started */
  private running: RemoteShell | null = null;
  /** stdout not yet consumed, as latin1 (one char per byte: nothing is lost or merged) */
  private output = '';
  private stderr = '';
  private waiter: Waiter | null = null;
  /** why the shell is gone, once it is */
  private ended: HostError | null = null;

  /** whether any answer has come back: after one, sudo has long let the shell run */
  private answered = false;
  /** while the launcher's ready line is awaited: its tag, and what to call when it comes */
  private launching: { tag: string; ready: () => void; fail: (reason: HostError) => void } | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly host: HostTarget,
    /** the remote command: SHELL_COMMAND, or SUDO_SHELL_COMMAND */
    private readonly command: string = SHELL_COMMAND,
  ) {}

  get alive(): boolean {
    return this.ended === null;
  }

  /**
   * Send one request line and resolve with the output up to its end line.
   * With `last`, stdin is closed once the answer is in, so the shell exits
   * (exec mode); not before, since the end of the input ends everything the
   * shell runs (see encodeLauncher).
   */
  /** The running shell, connecting first if need be; `hold` is told while the host waits in pvlook's own queues. */
  async open(signal: AbortSignal, hold?: QueueHold): Promise<RemoteShell> {
    // Once the shell runs, a sample is the hot path: no waiting on an already settled start.
    return this.running ?? (await untilAborted(this.start(signal, hold), signal, 'connecting'));
  }

  async ask(tag: string, line: string, signal: AbortSignal, { last = false }: { last?: boolean } = {}): Promise<string> {
    const shell = await this.open(signal);
    let mine: Waiter | null = null;
    const answer = new Promise<string>((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      if (this.waiter) return reject(new HostError('error', 'a request is already waiting for its answer on this shell'));
      mine = {
        tag,
        resolve: (text) => {
          if (last) shell.end();
          resolve(text);
        },
        reject,
      };
      this.waiter = mine;
      shell.write(line);
      this.consume();
    });
    try {
      return await untilAborted(answer, signal, 'waiting for the answer');
    } finally {
      if (this.waiter === mine) this.waiter = null;
    }
  }

  /** Give up on the shell and its connection (after a timeout or an answer that did not parse). */
  abandon(reason: HostError): void {
    this.finish(reason);
    void this.shell?.then((shell) => shell.abandon(), () => undefined);
  }

  /** The last line the shell wrote on stderr, as it said it (escaped where it is shown). */
  lastError(): string {
    const line = this.stderr.split('\n').map((text) => text.trim()).filter(Boolean).at(-1) ?? '';
    return line.slice(0, 200);
  }

  private start(signal: AbortSignal, hold: QueueHold | undefined): Promise<RemoteShell> {
    if (this.ended) return Promise.reject(this.ended);
    this.shell ??= this.transport
      .openShell(
        this.host,
        {
          stdout: (chunk) => {
            this.output += chunk.toString('latin1');
            this.consume();
          },
          stderr: (chunk) => {
            this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
          },
          closed: (reason) => {
            const said = this.lastError();
            const refused = this.command !== SHELL_COMMAND && !this.answered ? sudoRefusal(this.stderr) : null;
            const when = this.waiter || this.launching ? ' before answering' : '';
            this.finish(refused ? new HostError(refused.status, refused.message, { cause: reason }) : new HostError(reason.status, `${reason.message}${when}${said ? `: ${said}` : ''}`, { cause: reason }));
          },
        },
        signal,
        { ...(this.command === SHELL_COMMAND ? {} : { command: this.command }), ...(hold ? { hold } : {}) },
      )
      .then((shell) => this.launch(shell))
      .then(
        (shell) => {
          shell.write(SHELL_PRELUDE);
          if (!this.ended) this.running = shell;
          return shell;
        },
        (error: unknown) => {
          // sudo may refuse before the shell ever starts (a client that waits for the shell, like OpenSSH's, reports that as a failed start).
          const refused = this.command !== SHELL_COMMAND ? sudoRefusal(this.stderr) : null;
          if (refused) throw new HostError(refused.status, refused.message, { cause: error });
          throw error instanceof HostError ? error : new HostError('error', String(error), { cause: error });
        },
      );
    this.shell.catch((error: unknown) => this.finish(error as HostError));
    return this.shell;
  }

  /** Send the launcher alone and wait for its ready line: only then may the functions and requests follow. */
  private launch(shell: RemoteShell): Promise<RemoteShell> {
    return new Promise<RemoteShell>((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      const tag = newTag();
      this.launching = { tag, ready: () => resolve(shell), fail: reject };
      shell.write(encodeLauncher(tag));
      this.consume();
    });
  }

  /** Hand a complete answer to its waiter; keep nothing that no request asked for. */
  private consume(): void {
    if (this.output.length > MAX_ANSWER_BYTES) {
      this.abandon(new HostError('badoutput', `more than ${MAX_ANSWER_BYTES >> 20} MiB of output: not pvlook's shell answering`));
      return;
    }
    if (this.launching) {
      const end = readyEnd(this.output, this.launching.tag);
      if (end === -1) return;
      // Banners and rc-file chatter before the ready line belong to no request.
      this.output = this.output.slice(end);
      const { ready } = this.launching;
      this.launching = null;
      ready();
    }
    if (this.waiter === null) {
      this.output = this.output.slice(this.output.lastIndexOf('\n') + 1);
      return;
    }
    const end = answerEnd(this.output, this.waiter.tag);
    if (end === -1) return;
    const text = this.output.slice(0, end);
    this.output = this.output.slice(end);
    this.answered = true;
    this.waiter.resolve(text);
  }

  private finish(reason: HostError): void {
    if (this.ended) return;
    this.ended = reason;
    this.running = null;
    this.output = '';
    this.waiter?.reject(reason);
    this.launching?.fail(reason);
    this.launching = null;
  }
}

/**
 * Why sudo would not start the shell, from what it (or the login shell
 * running it) wrote on stderr before the channel closed; null if it was not
 * sudo that refused. `sudo -n` never prompts: it says so and exits 1 at once.
 */
export function sudoRefusal(stderr: string): { status: 'auth' | 'noperm' | 'error'; message: string } | null {
  if (/sudo: (a password is required|a terminal is required)/.test(stderr)) {
    return { status: 'auth', message: 'sudo needs a password on this host: allow NOPASSWD for /bin/sh -s, or drop --sudo' };
  }
  if (/sudo: sorry, you must have a tty/i.test(stderr)) {
    return { status: 'noperm', message: 'sudo requires a tty on this host (Defaults requiretty): allow pvlook\'s user without it, or drop --sudo' };
  }
  if (/not in the sudoers file|is not allowed to execute|may not run sudo/.test(stderr)) {
    return { status: 'noperm', message: 'sudo does not let this user run /bin/sh -s as root: add a NOPASSWD sudoers rule for it, or drop --sudo' };
  }
  if (/sudo: (command )?not found|sudo: No such file/i.test(stderr)) {
    return { status: 'error', message: 'sudo is not installed on this host: install it, or drop --sudo' };
  }
  return null;
}

/** Settle with `work`, or reject with the signal's reason (a HostError), naming what was under way. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, phase: string): Promise<T> {
  const reason = (): HostError => {
    const why = signal.reason instanceof HostError ? signal.reason : new HostError('timeout', 'no answer in time');
    return new HostError(why.status, `${why.message} (${phase})`, { cause: why });
  };
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
