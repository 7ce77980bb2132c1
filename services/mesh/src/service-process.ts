import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Lines of a process's output kept to explain a failure. */
const DEFAULT_TAIL_LINES = 40;
const POLL_INTERVAL_MS = 100;

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link ServiceProcess}. */
export interface ServiceProcessOptions {
  /** Said in errors and log prefixes, e.g. `profiles`. */
  name: string;
  /** The entry point run with this Node binary, e.g. `services/profiles/dist/main.js`. */
  main: string;
  /** The whole environment of the process: nothing is inherited unless the caller passes it. */
  env: Record<string, string | undefined>;
  /**
   * `inherit`: the process writes to this one's stdout and stderr (a person at a terminal);
   * `keep`: its last lines are kept for {@link ServiceProcess.tail} (a test explaining a failure).
   */
  output?: 'inherit' | 'keep';
  tailLines?: number;
}

/**
 * One Tailor service as its own OS process (`node <main>`), as a deployment runs it. It gets a
 * process group of its own, so a Ctrl-C at the terminal reaches the launcher alone, which then
 * stops the services in order instead of all at once.
 */
export class ServiceProcess {
  readonly name: string;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private readonly output: string[] = [];

  constructor(options: ServiceProcessOptions) {
    this.name = options.name;
    const keep = (options.output ?? 'keep') === 'keep';
    const tailLines = options.tailLines ?? DEFAULT_TAIL_LINES;
    this.child = spawn(process.execPath, ['--enable-source-maps', options.main], {
      env: options.env,
      stdio: keep ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    if (keep) {
      for (const stream of [this.child.stdout, this.child.stderr]) {
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => {
          this.output.push(...chunk.split('\n').filter((line) => line !== ''));
          this.output.splice(0, Math.max(0, this.output.length - tailLines));
        });
      }
    }
    this.exited = new Promise((resolve) => {
      // A spawn that fails (no such binary) emits `error` and maybe never `exit`.
      this.child.once('error', (err) => {
        this.output.push(`spawn failed: ${err.message}`);
        resolve({ code: null, signal: null });
      });
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return (
      this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** The last lines the process wrote (with `output: 'keep'`). */
  tail(): string {
    return this.output.join('\n');
  }

  /**
   * Resolves once `<origin>/readyz` answers 200; rejects when the process exits first (with its
   * last lines), when `timeoutMs` passes, or when `signal` is aborted.
   */
  async ready(origin: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exit: ProcessExit | undefined;
    void this.exited.then((e) => {
      exit = e;
    });
    for (;;) {
      signal?.throwIfAborted();
      if (exit !== undefined) {
        throw new Error(
          `${this.name} exited during start (code ${exit.code}, signal ${exit.signal})` +
            (this.output.length > 0 ? `:\n${this.tail()}` : ''),
        );
      }
      try {
        const response = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name} was not ready at ${origin}/readyz within ${timeoutMs} ms` +
            (this.output.length > 0 ? `:\n${this.tail()}` : ''),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  /** Sends `signal` to the process, if it still runs. */
  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /**
   * SIGTERM (a graceful shutdown: finish and commit the batch in hand), then SIGKILL if it has
   * not exited within `timeoutMs`. Resolves with how it ended.
   */
  async stop(timeoutMs: number): Promise<ProcessExit> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const ended = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (ended !== 'late') return ended;
    this.kill('SIGKILL');
    return this.exited;
  }

  /**
   * Resolves once the kernel shows the process stopped by SIGSTOP (Linux `/proc`; elsewhere at
   * once), so what it wrote so far can be inspected while it does nothing.
   */
  async stopped(timeoutMs = 5_000): Promise<void> {
    const stat = `/proc/${this.child.pid}/stat`;
    if (!existsSync(stat)) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // The state follows the command name, which is in parentheses and may hold spaces.
      const text = readFileSync(stat, 'utf8');
      if (text.slice(text.lastIndexOf(')') + 2).startsWith('T')) return;
      if (Date.now() > deadline)
        throw new Error(`${this.name} did not stop within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}
