import {
  adText,
  checkAd,
  checkDescription,
  chooseAd,
  chooseDescription,
  CopyWriter,
  historyTitles,
  type InterestSummary,
  interestUsed,
  itemFactsFromPayload,
  openAiWriterOptions,
  personalScore,
  type TokenUsage,
} from '@tailor/generation';
import type { ItemPayload, ProfilePayload } from '@tailor/kit';
import { silentLogger } from '@tailor/kit';

import { type BenchModel, recordingMetrics, RecordingWriter } from '../lib/llm.js';
import { say } from '../lib/output.js';
import type { Cohort } from './cohorts.js';
import { type BenchCopy, type Format, summaryOf } from './writers.js';

/** The formats the model writes in the bench: what the product asks it for most. */
export const MODEL_FORMATS: readonly Format[] = ['description', 'BANNER'];

/**
 * The writers of the model rows:
 * - `llm-raw`: the model's first parsed answer, as it came (grounded or not);
 * - `served`: what the product serves with the model on (CopyWriter: the grounded answer or
 *   the template's best, whichever says more about the user; the model's on a tie);
 * - `served-ties-to-template`: the same choice with a tie going to the template, computed
 *   from the same answers (no completion of its own), to show what the tie rule costs.
 */
export const MODEL_WRITERS = ['llm-raw', 'served', 'served-ties-to-template'] as const;
export type ModelWriter = (typeof MODEL_WRITERS)[number];

/** One text of a model row. */
export interface ModelText extends BenchCopy {
  writer: ModelWriter;
  userId: string;
  itemId: string;
  format: Format;
  ms: number;
}

/** What the model run cost and how its answers fared. */
export interface ModelRun {
  model: string;
  server: string;
  texts: ModelText[];
  /** (user, item, format) asked for, and how many got a parsed first answer. */
  asked: number;
  parsed: number;
  /** First answers that passed the product's grounding check. */
  grounded: number;
  /** Served texts that are the model's (the rest: the template, chosen or standing in). */
  servedFromModel: number;
  promptTokens: number[];
  completionTokens: number[];
  stoppedEarly: boolean;
}

/** `count` probe items spread evenly over the cohort's list (which runs category by category). */
export function sampleItems(cohort: Cohort, count: number): string[] {
  const all = cohort.probeItems;
  if (count >= all.length) return [...all];
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]!);
}

function grounded(
  format: Format,
  value: unknown,
  item: ItemPayload,
  summary: InterestSummary,
  userId: string,
): boolean {
  const facts = itemFactsFromPayload(item);
  const options = { forbiddenTerms: [userId], historyTitles: historyTitles(summary) };
  return format === 'description'
    ? checkDescription(value as { text: string }, facts, options).grounded
    : checkAd(
        value as { headline: string; body: string; callToAction: string },
        'BANNER',
        facts,
        options,
      ).grounded;
}

function textOf(value: unknown): string {
  const v = value as { text?: string; headline?: string; body?: string; callToAction?: string };
  return v.text ?? adText({ headline: v.headline!, body: v.body!, callToAction: v.callToAction! });
}

/**
 * Writes every (user, sampled item, format) of a cohort with the real model through the
 * product's CopyWriter, one text at a time as the background queue does with one local slot.
 * No new text is started after `stopAt` (epoch ms).
 */
export async function writeWithModel(
  model: BenchModel,
  cohort: Cohort,
  profiles: ReadonlyMap<string, ProfilePayload>,
  itemIds: readonly string[],
  stopAt: number,
): Promise<ModelRun> {
  const usages: TokenUsage[] = [];
  const llm = new RecordingWriter(
    openAiWriterOptions(model.config, model.endpoint, {
      logger: silentLogger(),
      onUsage: (usage) => usages.push(usage),
    }),
  );
  const metrics = recordingMetrics();
  const correctionTurns = model.config.GENERATION_CORRECTION_TURNS === 0 ? 0 : 1;
  const writer = new CopyWriter({ llm, metrics, correctionTurns });
  const run: ModelRun = {
    model: model.endpoint.model,
    server: model.server,
    texts: [],
    asked: 0,
    parsed: 0,
    grounded: 0,
    servedFromModel: 0,
    promptTokens: [],
    completionTokens: [],
    stoppedEarly: false,
  };
  const total = itemIds.length * cohort.users.length * MODEL_FORMATS.length;
  say(`${cohort.name}: ${total} texts with ${model.endpoint.model} …`);
  outer: for (const itemId of itemIds) {
    const item = cohort.items.get(itemId)!;
    const facts = itemFactsFromPayload(item);
    for (const user of cohort.users) {
      const summary = summaryOf(profiles.get(user.id), cohort.items);
      for (const format of MODEL_FORMATS) {
        if (Date.now() > stopAt) {
          run.stoppedEarly = true;
          break outer;
        }
        run.asked += 1;
        const before = llm.answers.length;
        const context = {
          deadline: Date.now() + model.config.GENERATION_JOB_BUDGET_MS,
          forbiddenTerms: [user.id],
          log: silentLogger(),
        };
        const started = performance.now();
        const served =
          format === 'description'
            ? await writer.description(facts, summary, context)
            : await writer.ad(facts, summary, 'BANNER', context);
        const ms = performance.now() - started;
        const base = { userId: user.id, itemId, format, ms };
        const servedText = 'text' in served ? served.text : adText(served);
        const fromModel = served.fallbackReason === null;
        if (fromModel) run.servedFromModel += 1;
        run.texts.push({
          ...base,
          writer: 'served',
          text: servedText,
          interest: served.interest,
          source: fromModel ? 'model' : 'template',
        });
        const template =
          format === 'description'
            ? chooseDescription(facts, summary, [user.id])
            : chooseAd(facts, summary, 'BANNER', [user.id]);
        const templateText = 'text' in template.copy ? template.copy.text : adText(template.copy);
        // The served model answer passed the check; the strict rule keeps it only when it says
        // strictly more than the template's best.
        const modelWinsStrictly =
          fromModel && personalScore(servedText, summary) > personalScore(templateText, summary);
        run.texts.push({
          ...base,
          writer: 'served-ties-to-template',
          ...(modelWinsStrictly
            ? { text: servedText, interest: served.interest, source: 'model' as const }
            : { text: templateText, interest: template.interest, source: 'template' as const }),
        });
        const first = llm.answers[before];
        if (first === undefined) continue;
        run.parsed += 1;
        const raw = textOf(first.value);
        run.texts.push({
          ...base,
          writer: 'llm-raw',
          text: raw,
          interest: interestUsed(raw, summary),
          source: 'model',
        });
        if (grounded(format, first.value, item, summary, user.id)) run.grounded += 1;
      }
    }
    say(`  ${cohort.name} ${itemId}: ${run.asked}/${total}`);
  }
  run.promptTokens = usages.map((u) => u.promptTokens);
  run.completionTokens = usages.map((u) => u.completionTokens);
  return run;
}
