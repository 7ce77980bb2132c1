"""Runs llama.cpp's OpenAI-compatible HTTP server (from the xllamacpp wheel) until SIGTERM/SIGINT.

Usage: serve.py <model.gguf> <port> <threads> <context tokens> <alias>
Binds 127.0.0.1 only. Started by start.sh, and by the generation service for
GENERATION_PROVIDER=local; not meant to be run by hand. With TAILOR_LLM_PARENT_PID set, it also
stops when that process is gone, so a server started for a process that was killed (SIGKILL
runs no shutdown code) does not outlive it.
"""

import os
import signal
import sys
import threading

import xllamacpp as xlc


def main() -> None:
    model, port, threads, context, alias = sys.argv[1:6]
    params = xlc.CommonParams()
    params.model.path = model
    params.model_alias = {alias}
    params.hostnames = ["127.0.0.1"]
    params.port = int(port)
    params.n_ctx = int(context)
    # One sequence at a time: on a small shared CPU, parallel slots only slow each answer down.
    params.n_parallel = 1
    params.cpuparams.n_threads = int(threads)
    params.cpuparams_batch.n_threads = int(threads)
    params.ui = False
    server = xlc.Server(params)
    print(f"listening on {server.listening_address}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    parent = os.environ.get("TAILOR_LLM_PARENT_PID")
    if parent is None:
        stop.wait()
        return
    # Once the parent is gone the server is re-parented, so getppid() changes.
    while not stop.wait(1.0):
        if os.getppid() != int(parent):
            print("parent process gone; stopping", flush=True)
            stop.set()


if __name__ == "__main__":
    main()
