/**
 * Run a program in a real terminal (tmux), type into it and read the screen.
 */
import { execFileSync } from 'node:child_process';

export class TmuxSession {
  private constructor(readonly name: string) {}

  static start(command: string, options: { width?: number; height?: number; cwd?: string; env?: Record<string, string> } = {}): TmuxSession {
    const name = `pvlook-test-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
    const envArgs = Object.entries(options.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', String(options.width ?? 120), '-y', String(options.height ?? 40), ...(options.cwd ? ['-c', options.cwd] : []), ...envArgs, command]);
    // Keep the pane after the command ends so its last screen can be read.
    execFileSync('tmux', ['set-option', '-t', name, 'remain-on-exit', 'on']);
    return new TmuxSession(name);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name]).toString();
  }

  /** tmux format variables, e.g. alternate_on, cursor_flag, pane_dead. */
  query(format: string): string {
    return execFileSync('tmux', ['display-message', '-p', '-t', this.name, format]).toString().trim();
  }

  resize(width: number, height: number): void {
    execFileSync('tmux', ['resize-window', '-t', this.name, '-x', String(width), '-y', String(height)]);
  }

  /** Process id of the program running in the pane (the shell that started pvlook). */
  panePid(): number {
    return Number(this.query('#{pane_pid}'));
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
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
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
