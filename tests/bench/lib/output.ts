/**
 * Benches talk to a person at a terminal, not to a log collector: plain lines on stdout. (The
 * services stay silent: their loggers are `silentLogger()`.)
 */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A cell of a table: numbers are formatted by the caller, so columns read as intended. */
export type Cell = string | number;

/** Lays rows out under headers: text left-aligned, numbers right-aligned. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => String(row[column] ?? '').length)),
  );
  const numeric = headers.map((_, column) =>
    rows.every(
      (row) =>
        typeof row[column] === 'number' || /^[-+]?[\d.,]+[%x]?$/.test(String(row[column] ?? '')),
    ),
  );
  const line = (cells: readonly Cell[]) =>
    cells
      .map((cell, column) => {
        const text = String(cell);
        const width = widths[column] ?? text.length;
        return numeric[column] ? text.padStart(width) : text.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function printTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  say(formatTable(headers, rows));
}

/** Fixed decimals, for tables. */
export function fixed(value: number, decimals: number): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : '-';
}

/** Thousands separated, for counts and rates. */
export function grouped(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-';
}

/**
 * Runs a bench's main: a failure prints one line naming the problem (the stack too when
 * BENCH_DEBUG is set) and exits 1, so a wrong path or flag reads as a message, not a trace.
 */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`bench failed: ${message}\n`);
    if (process.env.BENCH_DEBUG !== undefined && err instanceof Error) {
      process.stderr.write(`${err.stack ?? ''}\n`);
    }
    process.exitCode = 1;
  });
}
