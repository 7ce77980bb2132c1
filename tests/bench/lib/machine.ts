import os from 'node:os';

/** What a figure was measured on: figures from different machines are not comparable. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/**
 * The header every result file starts with, made when the run ends. The 1, 5 and 15-minute
 * load averages say how busy the machine was with other work meanwhile: latencies on a loaded
 * 2-core machine move a lot.
 */
export function runHeader(bench: string) {
  return {
    bench,
    measuredAt: new Date().toISOString(),
    machine: machineInfo(),
    loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
  };
}
