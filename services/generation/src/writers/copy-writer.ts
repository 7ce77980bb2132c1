import { performance } from 'node:perf_hooks';

import type { Logger } from '@tailor/kit';

import {
  adText,
  chooseAd,
  chooseDescription,
  type Chosen,
  historyTitles,
  interestUsed,
  personalScore,
} from '../domain/chooser.js';
import {
  type AdCopy,
  type AdFormat,
  type DescriptionCopy,
  TEMPLATE_MODEL,
  TEMPLATE_PROVIDER,
  TEMPLATE_VERSION,
} from '../domain/copy.js';
import type { ItemFacts } from '../domain/facts.js';
import { checkAd, checkDescription, type GroundingResult } from '../domain/grounding/check.js';
import type { InterestSummary } from '../domain/interests.js';
import type { Angle } from '../domain/loop/angles.js';
import { adPrompt, correctionMessages, descriptionPrompt, type Prompt } from '../domain/prompt.js';
import type { GenerationMetrics } from '../metrics.js';
import { GenerationFailure } from './generation-failure.js';
import type { OpenAiWriter } from './openai-writer.js';

/** Who wrote a text and whether it passed the grounding check. */
export interface CopyLabel {
  provider: string;
  model: string;
  promptVersion: string;
  grounded: boolean;
  /** Why the configured LLM did not answer; null when it did (or when none is configured). */
  fallbackReason: string | null;
  /** The user's interest the text is written around; null when it names none. */
  interest: string | null;
  /**
   * True when the configured LLM is still writing this text in the background: this answer is
   * the template's, and a later request gets the model's once it is written and grounded.
   */
  modelAnswerPending: boolean;
}

export type LabelledDescription = DescriptionCopy & CopyLabel;
export type LabelledAd = AdCopy & CopyLabel;

/** What a request brings to every text it asks for. */
export interface WriteContext {
  /** Epoch ms after which no LLM call is started or waited for (the request budget). */
  deadline: number;
  /** Must never appear in any text (the user id). */
  forbiddenTerms: readonly string[];
  log: Logger;
}

/** The writer that answers: provider, model and prompt version (part of every cache key). */
export interface WriterIdentity {
  provider: string;
  model: string;
  promptVersion: string;
}

/** Why the template answers instead of the LLM, and whether the LLM is still at it. */
export interface TemplateStandIn {
  fallbackReason: string;
  modelAnswerPending: boolean;
}

/** What a stand-in needs of the request. */
type StandInContext = Pick<WriteContext, 'forbiddenTerms' | 'log'>;

/** Options of {@link CopyWriter}. */
export interface CopyWriterOptions {
  /** The LLM writer; absent when GENERATION_PROVIDER=template. */
  llm?: OpenAiWriter;
  metrics: GenerationMetrics;
  /**
   * Whether an ungrounded LLM answer is sent back once with its problems named (1, the
   * default) or replaced by the template at once (0). SmolLM2-135M fixed none of 25 such
   * answers in bench:llm, each for one more completion.
   */
  correctionTurns?: 0 | 1;
}

/**
 * Writes descriptions and ads with the configured writer, checks every answer against the
 * item's facts, retries an ungrounded LLM answer once with the problems named, and falls back
 * to the template writer on any failure. It never throws for a writer's sake: the query
 * always gets a text, and the label says who wrote it and why.
 */
export class CopyWriter {
  readonly identity: WriterIdentity;

  /** Whether an LLM is configured (and so whether its answers are worth waiting for). */
  get usesModel(): boolean {
    return this.options.llm !== undefined;
  }

  constructor(private readonly options: CopyWriterOptions) {
    const llm = options.llm;
    this.identity =
      llm === undefined
        ? { provider: TEMPLATE_PROVIDER, model: TEMPLATE_MODEL, promptVersion: TEMPLATE_VERSION }
        : { provider: llm.provider, model: llm.model, promptVersion: llm.promptVersion };
  }

  description(
    facts: ItemFacts,
    interests: InterestSummary,
    context: WriteContext,
    angle: Angle = 'interest',
  ): Promise<LabelledDescription> {
    const options = {
      forbiddenTerms: context.forbiddenTerms,
      historyTitles: historyTitles(interests),
    };
    return this.write(
      descriptionPrompt(facts, interests, angle),
      (copy) => checkDescription(copy, facts, options),
      () => chooseDescription(facts, interests, context.forbiddenTerms, angle),
      (copy) => copy.text,
      interests,
      context,
    );
  }

  ad(
    facts: ItemFacts,
    interests: InterestSummary,
    format: AdFormat,
    context: WriteContext,
    angle: Angle = 'interest',
  ): Promise<LabelledAd> {
    const options = {
      forbiddenTerms: context.forbiddenTerms,
      historyTitles: historyTitles(interests),
    };
    return this.write(
      adPrompt(facts, interests, format, angle),
      (copy) => checkAd(copy, format, facts, options),
      () => chooseAd(facts, interests, format, context.forbiddenTerms, angle),
      adText,
      interests,
      context,
    );
  }

  /** The template's description, standing in for the LLM's for `fallbackReason`. */
  templateDescription(
    facts: ItemFacts,
    interests: InterestSummary,
    stand: TemplateStandIn,
    context: StandInContext,
    angle: Angle = 'interest',
  ): LabelledDescription {
    const template = () => chooseDescription(facts, interests, context.forbiddenTerms, angle);
    return this.standIn(template, stand, context);
  }

  /** The template's ad, standing in for the LLM's for `fallbackReason`. */
  templateAd(
    facts: ItemFacts,
    interests: InterestSummary,
    format: AdFormat,
    stand: TemplateStandIn,
    context: StandInContext,
    angle: Angle = 'interest',
  ): LabelledAd {
    const template = () => chooseAd(facts, interests, format, context.forbiddenTerms, angle);
    return this.standIn(template, stand, context);
  }

  private standIn<T extends object>(
    template: () => Chosen<T>,
    stand: TemplateStandIn,
    context: StandInContext,
  ): T & CopyLabel {
    const answer = this.fromTemplate(template, stand.fallbackReason, context);
    return { ...answer, modelAnswerPending: stand.modelAnswerPending };
  }

  private async write<T extends object>(
    prompt: Prompt<T>,
    check: (copy: T) => GroundingResult,
    template: () => Chosen<T>,
    textOf: (copy: T) => string,
    interests: InterestSummary,
    context: WriteContext,
  ): Promise<T & CopyLabel> {
    const llm = this.options.llm;
    if (llm === undefined) return this.fromTemplate(template, null, context);
    const started = performance.now();
    try {
      const first = await llm.complete(prompt, [], context.deadline);
      let value = first.value;
      let verdict = check(value);
      if (!verdict.grounded && (this.options.correctionTurns ?? 1) === 0) {
        context.log.info({ kind: prompt.kind, problems: verdict.problems }, 'ungrounded answer');
        throw ungrounded(verdict.problems.length);
      }
      if (!verdict.grounded) {
        context.log.info(
          { kind: prompt.kind, problems: verdict.problems },
          'ungrounded answer; asking once more',
        );
        const second = await llm.complete(
          prompt,
          correctionMessages(first.raw, verdict.problems),
          context.deadline,
        );
        value = second.value;
        verdict = check(value);
        if (!verdict.grounded) {
          // The problems quote the model's words; they go to the log, not into the answer.
          context.log.warn(
            { kind: prompt.kind, problems: verdict.problems },
            'answer ungrounded twice',
          );
          throw ungrounded(verdict.problems.length);
        }
      }
      // Generate, then choose: the grounded answer is one more candidate beside the template's
      // best (both passed the same check: faithfulness first), and the one that says more
      // about this user's interests is served; the model's on a tie.
      const chosen = template();
      if (
        chosen.verdict.grounded &&
        personalScore(textOf(chosen.copy), interests) > personalScore(textOf(value), interests)
      ) {
        this.options.metrics.groundedAnswerChosen('template');
        return this.labelTemplate(chosen, TEMPLATE_CHOSEN_REASON);
      }
      this.options.metrics.groundedAnswerChosen('model');
      return {
        ...value,
        ...this.identity,
        grounded: true,
        fallbackReason: null,
        interest: interestUsed(textOf(value), interests),
        modelAnswerPending: false,
      };
    } catch (err) {
      const failure =
        err instanceof GenerationFailure
          ? err
          : new GenerationFailure(
              'connection',
              `error: ${err instanceof Error ? err.message : String(err)}`,
              {
                retriable: false,
                cause: err,
              },
            );
      this.options.metrics.fallback(failure.reason);
      context.log.warn(
        { kind: prompt.kind, reason: failure.reason, detail: failure.detail },
        'LLM writer failed; template answers',
      );
      return this.fromTemplate(template, failure.detail, context);
    } finally {
      this.options.metrics.providerDuration(llm.provider, (performance.now() - started) / 1_000);
    }
  }

  private fromTemplate<T extends object>(
    template: () => Chosen<T>,
    fallbackReason: string | null,
    context: Pick<WriteContext, 'log'>,
  ): T & CopyLabel {
    const started = performance.now();
    const chosen = template();
    this.options.metrics.providerDuration(TEMPLATE_PROVIDER, (performance.now() - started) / 1_000);
    if (!chosen.verdict.grounded) {
      // A template that fails its own check is a bug to fix, not a reason to fail the query.
      context.log.error(
        { problems: chosen.verdict.problems },
        'template output failed the grounding check',
      );
    }
    return this.labelTemplate(chosen, fallbackReason);
  }

  private labelTemplate<T extends object>(
    { copy: value, interest, verdict }: Chosen<T>,
    fallbackReason: string | null,
  ): T & CopyLabel {
    return {
      ...value,
      provider: TEMPLATE_PROVIDER,
      model: TEMPLATE_MODEL,
      promptVersion: TEMPLATE_VERSION,
      grounded: verdict.grounded,
      fallbackReason,
      interest,
      modelAnswerPending: false,
    };
  }
}

/**
 * The `fallbackReason` of a template text served over a grounded model answer that named less
 * of the user's interests. The model did answer, so this is a final choice, cached like a model
 * answer, not a failure to retry.
 */
export const TEMPLATE_CHOSEN_REASON = "the template's copy says more about the user's interests";

function ungrounded(count: number): GenerationFailure {
  return new GenerationFailure(
    'ungrounded',
    `ungrounded (${count} problem${count === 1 ? '' : 's'})`,
    {
      retriable: false,
    },
  );
}
