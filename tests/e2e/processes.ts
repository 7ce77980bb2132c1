import type { ChildProcess } from 'node:child_process';

/**
 * SIGKILL: no flush, no goodbye, as a crash or an OOM kill; resolves once the process is gone.
 * A process that already exited (or was never started) is left alone.
 */
export async function sigkill(child: ChildProcess | null): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await exited;
}
