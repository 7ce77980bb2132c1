import { Counter, Gauge, Histogram, type Registry } from '@tailor/kit';

import type { CellCounts } from './domain/loop/creative-stats.js';
import { FAILURE_REASONS, type FailureReason } from './writers/generation-failure.js';

/** What is generated, as a metric label. */
export type GenerationKind = 'description' | 'ad' | 'thumbnail';

/** What became of one background model answer, as a metric label. */
export type BackgroundJobResult = 'started' | 'written' | 'failed' | 'dropped';

/** The generation subgraph's metrics; registered on the subgraph's registry at start. */
export interface GenerationMetrics {
  cacheLookup(kind: GenerationKind, result: 'hit' | 'miss'): void;
  providerDuration(provider: string, seconds: number): void;
  fallback(reason: FailureReason): void;
  /** A background model answer was started, written (grounded), failed, or dropped (queue full). */
  backgroundJob(result: BackgroundJobResult): void;
  /**
   * A grounded model answer was set beside the template's best: which of the two was served
   * (`template` when it said more about the user's interests, or as much).
   */
  groundedAnswerChosen(writer: 'model' | 'template'): void;
  /** The server's token counts of one LLM completion. */
  llmTokens(kind: 'description' | 'ad', promptTokens: number, completionTokens: number): void;
  /**
   * Where the loop's attribution gauges read their (format, surface, angle) counts at each
   * scrape.
   */
  creativeStats(source: () => readonly CellCounts[]): void;
  /** Puts the metrics on a registry (the subgraph's). */
  register(registry: Registry): void;
}

/** Creates the metrics unregistered, so a schema can be built without a server. */
export function createGenerationMetrics(): GenerationMetrics {
  const cache = new Counter({
    name: 'tailor_generation_cache_total',
    help: 'Generated text and thumbnail lookups in the generation cache, by kind and result (hit or miss).',
    labelNames: ['kind', 'result'],
    registers: [],
  });
  const duration = new Histogram({
    name: 'tailor_generation_provider_duration_seconds',
    help: 'Time a writer took to produce one text (LLM retries and grounding retry included), by provider.',
    labelNames: ['provider'],
    buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [],
  });
  const fallbacks = new Counter({
    name: 'tailor_generation_fallbacks_total',
    help: 'LLM answers replaced by the template writer, by reason.',
    labelNames: ['reason'],
    registers: [],
  });
  const jobs = new Counter({
    name: 'tailor_generation_background_jobs_total',
    help: 'Background model answers by result: started, written (grounded and cached), failed (the template stands in), dropped (queue full).',
    labelNames: ['result'],
    registers: [],
  });
  const chosen = new Counter({
    name: 'tailor_generation_grounded_answers_total',
    help: "Grounded model answers by which text was served: the model's, or the template's when it said more about the user's interests (or as much).",
    labelNames: ['served'],
    registers: [],
  });
  const tokenBuckets = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
  const promptTokens = new Histogram({
    name: 'tailor_generation_llm_prompt_tokens',
    help: 'Prompt tokens of one LLM completion as the server counted them, by kind (description or ad).',
    labelNames: ['kind'],
    buckets: tokenBuckets,
    registers: [],
  });
  const completionTokens = new Histogram({
    name: 'tailor_generation_llm_completion_tokens',
    help: 'Completion tokens of one LLM completion as the server counted them, by kind (description or ad).',
    labelNames: ['kind'],
    buckets: tokenBuckets,
    registers: [],
  });
  let cells: () => readonly CellCounts[] = () => [];
  const loopGauge = (name: string, help: string, value: (c: CellCounts) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['format', 'surface', 'angle'],
      registers: [],
      collect() {
        this.reset();
        for (const cell of boundedSurfaces(cells()))
          this.inc({ format: cell.format, surface: cell.surface, angle: cell.angle }, value(cell));
      },
    });
  const impressions = loopGauge(
    'tailor_generation_creative_impressions',
    'Variants shown, by format, surface and angle, over the showings this replica holds (every replica reads the whole log: aggregate with max, not sum).',
    (c) => c.impressions,
  );
  const clicks = loopGauge(
    'tailor_generation_creative_clicks',
    'Shown variants with a click credited, by format, surface and angle.',
    (c) => c.clicks,
  );
  const conversions = loopGauge(
    'tailor_generation_creative_conversions',
    'Shown variants with an add to cart or purchase credited, by format, surface and angle.',
    (c) => c.conversions,
  );
  for (const result of ['started', 'written', 'failed', 'dropped']) jobs.inc({ result }, 0);
  // Every series exists from the start, so a rate over any of them reads 0 rather than nothing.
  for (const kind of ['description', 'ad', 'thumbnail']) {
    cache.inc({ kind, result: 'hit' }, 0);
    cache.inc({ kind, result: 'miss' }, 0);
  }
  for (const reason of FAILURE_REASONS) fallbacks.inc({ reason }, 0);
  for (const served of ['model', 'template']) chosen.inc({ served }, 0);
  return {
    cacheLookup: (kind, result) => cache.inc({ kind, result }),
    providerDuration: (provider, seconds) => duration.observe({ provider }, seconds),
    fallback: (reason) => fallbacks.inc({ reason }),
    backgroundJob: (result) => jobs.inc({ result }),
    groundedAnswerChosen: (served) => chosen.inc({ served }),
    llmTokens: (kind, prompt, completion) => {
      promptTokens.observe({ kind }, prompt);
      completionTokens.observe({ kind }, completion);
    },
    creativeStats: (source) => {
      cells = source;
    },
    register: (registry) => {
      registry.registerMetric(impressions);
      registry.registerMetric(clicks);
      registry.registerMetric(conversions);
      registry.registerMetric(cache);
      registry.registerMetric(duration);
      registry.registerMetric(fallbacks);
      registry.registerMetric(jobs);
      registry.registerMetric(chosen);
      registry.registerMetric(promptTokens);
      registry.registerMetric(completionTokens);
    },
  };
}

/**
 * Surfaces named in the loop's metrics; the rest are summed as `other`. With format (5 values)
 * and angle (4) that bounds each gauge at 5 × 4 × 16 series, whatever surfaces clients invent.
 * Creative ids are never a label: one per item, angle and format is a series per catalog item.
 */
export const MAX_SURFACE_LABELS = 15;

function boundedSurfaces(cells: readonly CellCounts[]): CellCounts[] {
  const bySurface = new Map<string, number>();
  for (const c of cells) bySurface.set(c.surface, (bySurface.get(c.surface) ?? 0) + c.impressions);
  const named = new Set(
    [...bySurface.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_SURFACE_LABELS)
      .map(([surface]) => surface),
  );
  return cells.map((c) => (named.has(c.surface) ? c : { ...c, surface: 'other' }));
}
