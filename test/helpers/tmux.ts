/**
 * Run a program in a real terminal (tmux), type into it and read the screen.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

export class TmuxSession {
  private constructor(readonly name: string) {}

  /**
   * Every session has a tmux server of its own (its own socket): with one
   * shared server, killing the last session ends the server in the
   * background, and a session started at that moment dies with it.
   */
  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.name, ...args]).toString();
  }

  static start(command: string, options: { width?: number; height?: number; cwd?: string; env?: Record<string, string> } = {}): TmuxSession {
    const name = `pvlook-test-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
    const envArgs = Object.entries(options.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    const session = new TmuxSession(name);
    session.tmux('new-session', '-d', '-s', name, '-x', String(options.width ?? 120), '-y', String(options.height ?? 40), ...(options.cwd ? ['-c', options.cwd] : []), ...envArgs, command);
    // Keep the pane after the command ends so its last screen can be read.
    session.tmux('set-option', '-t', name, 'remain-on-exit', 'on');
    return session;
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** tmux format variables, e.g. alternate_on, cursor_flag, pane_dead. */
  query(format: string): string {
    return this.tmux('display-message', '-p', '-t', this.name, format).trim();
  }

  resize(width: number, height: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  /** Process id of the program running in the pane (the shell that started pvlook). */
  panePid(): number {
    return Number(this.query('#{pane_pid}'));
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /**
   * Wait until the screen matches (a pattern or a test), or fail with what it showed.
   * A frame can be caught half drawn (tmux before 3.4 ignores synchronized
   * output, and a big frame reaches it in several reads), so a match counts
   * only when a second look a moment later shows the very same screen.
   */
  async waitFor(expected: RegExp | ((screen: string) => boolean), seconds = 30, what = String(expected)): Promise<string> {
    const matches = typeof expected === 'function' ? expected : (screen: string) => expected.test(screen);
    const until = Date.now() + seconds * 1000;
    let screen = '';
    while (Date.now() < until) {
      screen = this.screen();
      if (matches(screen)) {
        await pause(40);
        if (this.screen() === screen) return screen;
      }
      await pause(100);
    }
    throw new Error(`screen never matched ${what}:\n${screen}`);
  }

  kill(): void {
    try {
      const socket = this.query('#{socket_path}');
      execFileSync('tmux', ['-L', this.name, 'kill-server'], { stdio: 'ignore' });
      // tmux leaves its socket file behind.
      rmSync(socket, { force: true });
    } catch {
      // already gone
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
