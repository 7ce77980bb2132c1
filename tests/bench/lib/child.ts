import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Runs a bench script in its own Node process (a load generator must not share the event loop
 * it loads) with `plan` as its one argument, and parses the last line it prints as JSON.
 */
export function runJsonChild<T>(script: string, plan: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(plan)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${path.basename(script)} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T);
    });
  });
}
