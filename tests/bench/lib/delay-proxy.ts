import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * A TCP proxy that holds every chunk for a fixed time in each direction, so a store on loopback
 * answers as one across a network would: the wait is idle time, not CPU, which is what a
 * loopback exchange on a busy two-core machine cannot show. It runs in its own process so its
 * timers never wait behind the bench's event loop.
 */
export interface DelayProxy {
  /** `http://127.0.0.1:<port>`: the target's URL as seen through the proxy. */
  url: string;
  close(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

/** Starts the proxy in front of `target` (an `http:` URL), `delayMs` each way. */
export function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [SELF, target, String(delayMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`delay proxy exited with ${code}`)));
    child.stdout!.setEncoding('utf8').once('data', (line: string) => {
      child.removeAllListeners('exit');
      resolve({
        url: `http://127.0.0.1:${line.trim()}`,
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill();
          }),
      });
    });
  });
}

/** Writes what `from` sends to `to`, each chunk `delayMs` after it arrived, in order. */
function delayed(from: net.Socket, to: net.Socket, delayMs: number): void {
  const queue: { due: number; chunk: Buffer }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now) to.write(queue.shift()!.chunk);
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.due - now);
    else if (ended) to.end();
  };
  from.on('data', (chunk: Buffer) => {
    queue.push({ due: performance.now() + delayMs, chunk });
    timer ??= setTimeout(flush, delayMs);
  });
  from.on('end', () => {
    ended = true;
    if (queue.length === 0 && timer === undefined) to.end();
  });
}

function serve(target: URL, delayMs: number): void {
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    delayed(client, upstream, delayMs);
    delayed(upstream, client, delayMs);
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
  });
}

if (process.argv[1] === SELF) serve(new URL(process.argv[2]!), Number(process.argv[3]));
