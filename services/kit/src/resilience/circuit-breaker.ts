import { isRetriable, TailorError } from '../errors.js';
import { RequestStopped } from '../server/deadline.js';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Names the dependency in errors, logs and readiness (`vector-store`, `llm`, `bus`). */
  name: string;
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before letting one probe through. */
  openMs?: number;
  /** Monotonic milliseconds; tests may drive it. */
  now?: () => number;
  /** Told of every change of state, e.g. to log it. */
  onStateChange?: (state: CircuitState, name: string) => void;
  /**
   * Which failures say the dependency is down; by default retriable errors other than the
   * caller's own abort ({@link isOutage}). A model writer, say, counts connection errors but
   * not answers it could not use.
   */
  countsAsOutage?: (err: unknown) => boolean;
}

export const CIRCUIT_BREAKER_DEFAULTS = { failureThreshold: 3, openMs: 2_000 } as const;

/** `closed`: calls go through. `open`: refused at once. `half-open`: one probe is out. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * A call refused without being made: the dependency failed repeatedly and has not come back
 * yet. Retriable, so callers treat it as the dependency being down (a fallback, or
 * SERVICE_UNAVAILABLE with a retry hint); the message names the dependency's role only.
 */
export class DependencyUnavailableError extends TailorError {
  constructor(readonly dependency: string) {
    super(`the ${dependency} is unavailable; calls resume once a probe succeeds`, {
      retriable: true,
    });
  }
}

/** Breakers of this process by name, for readiness (see {@link degradedDependencies}). */
const breakers = new Map<string, CircuitBreaker>();

/** The dependencies of this process whose circuit is not closed, by name. */
export function degradedDependencies(): string[] {
  return [...breakers.values()].filter((b) => b.state !== 'closed').map((b) => b.name);
}

/** A failure that says the dependency is down, not that the call or the caller was wrong. */
export function isOutage(err: unknown): boolean {
  if (err instanceof RequestStopped) return false;
  if (err instanceof Error && err.name === 'AbortError') return false;
  return isRetriable(err);
}

/**
 * Stops calling a dependency that keeps failing and probes for its return: after
 * `failureThreshold` consecutive outage failures (retriable errors; a caller's own abort or a
 * refused bad request does not count) the circuit opens and every call fails at once with
 * {@link DependencyUnavailableError}, so requests neither wait on timeouts nor pile onto a
 * server that is restarting. After `openMs` one call goes through as a probe: success closes
 * the circuit, failure opens it for another `openMs`.
 */
export class CircuitBreaker {
  readonly name: string;
  private readonly failureThreshold: number;
  private readonly openMs: number;
  private readonly now: () => number;
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.name = options.name;
    this.failureThreshold = options.failureThreshold ?? CIRCUIT_BREAKER_DEFAULTS.failureThreshold;
    this.openMs = options.openMs ?? CIRCUIT_BREAKER_DEFAULTS.openMs;
    this.now = options.now ?? (() => performance.now());
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new RangeError(
        `failureThreshold must be a whole number from 1, got ${this.failureThreshold}`,
      );
    }
    if (!(this.openMs > 0)) throw new RangeError(`openMs must be positive, got ${this.openMs}`);
    breakers.set(this.name, this);
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Runs `call` unless the circuit is open; records how it went. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    let probing = false;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.openMs) {
        throw new DependencyUnavailableError(this.name);
      }
      this.move('half-open');
      probing = true;
    } else if (this.current === 'half-open') {
      // One probe at a time: the others are refused until it answers.
      throw new DependencyUnavailableError(this.name);
    }
    try {
      const result = await call();
      this.failures = 0;
      if (this.current !== 'closed') this.move('closed');
      return result;
    } catch (err) {
      if ((this.options.countsAsOutage ?? isOutage)(err)) {
        this.failures += 1;
        if (probing || this.failures >= this.failureThreshold) {
          this.openedAt = this.now();
          this.move('open');
        }
      } else if (probing) {
        // The probe reached the dependency (it refused the request itself): it is back.
        this.failures = 0;
        this.move('closed');
      }
      throw err;
    }
  }

  /** Forgets this breaker for readiness (a closed store, a test's breaker). */
  dispose(): void {
    if (breakers.get(this.name) === this) breakers.delete(this.name);
  }

  private move(state: CircuitState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state, this.name);
  }
}
