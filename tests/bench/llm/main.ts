import { parseArgs } from 'node:util';

import {
  checkAd,
  checkDescription,
  CopyWriter,
  FAILURE_REASONS,
  type FailureReason,
  type GroundingResult,
  historyTitles,
  type InterestSummary,
  type ItemFacts,
  itemFactsFromPayload,
  llmLimits,
  openAiWriterOptions,
  PROMPT_VERSION,
  TEMPLATE_CHOSEN_REASON,
  type TokenUsage,
} from '@tailor/generation';
import { silentLogger } from '@tailor/kit';
import { DEMO_USERS } from '@tailor/mesh';

import { openBenchModel, recordingMetrics, RecordingWriter } from '../lib/llm.js';
import { runHeader } from '../lib/machine.js';
import { fixed, printTable, runBench, say } from '../lib/output.js';
import { writeResults } from '../lib/paths.js';
import { rounded, summarize } from '../lib/stats.js';
import { demoItems, likeAndBuy } from '../pgen/cohorts.js';
import { foldHistory, tagCounts } from '../pgen/profiles.js';
import { summaryOf } from '../pgen/writers.js';

const USAGE = `usage: npm run bench:llm -- [--items <n>] [--max-minutes <m>]
  --items        items written for per demo user, a description and a BANNER ad each (default 5; 4 users)
  --max-minutes  no new text is started after this long; what was written is reported (default 15)

The model: LLM_BASE_URL and LLM_MODEL when set (infra/llm/start.sh prints them), else the bench
starts llama.cpp's server itself as GENERATION_PROVIDER=local does (GENERATION_LOCAL_* settings,
SmolLM2-135M-Instruct from infra/llm/install.sh by default).`;

/** Items a demo user liked or bought, from the categories the user stands for. */
const LIKED_PER_CATEGORY = 3;

type Kind = 'description' | 'ad';

/** One text the product would serve: who wrote it, whether the model's first answer held. */
interface Outcome {
  kind: Kind;
  itemId: string;
  userId: string;
  /** The served text's writer: the model, or the template for this reason. */
  served: 'model' | 'template-chosen' | FailureReason;
  /** The model's first parsed answer passed the grounding check; null when none parsed. */
  firstGrounded: boolean | null;
  /** Problems of the first answer, for the examples in the result file. */
  firstProblems: string[];
  /** Wall time of the whole answer: completions, retries and the correction turn. */
  ms: number;
  completions: number;
  text: string;
}

interface Pair {
  userId: string;
  summary: InterestSummary;
  facts: ItemFacts;
}

/**
 * The demo users with histories in their categories, folded by the profiles service's own code,
 * and for each the items to write for: half from the user's categories, half from elsewhere (new
 * ground), spread over the catalog.
 */
function pairs(itemsPerUser: number): Pair[] {
  const items = demoItems();
  const counts = tagCounts(items);
  const all = [...items.values()];
  const out: Pair[] = [];
  const end = Date.UTC(2026, 0, 1);
  DEMO_USERS.forEach((user, u) => {
    const liked = user.categories.flatMap((category) =>
      all
        .filter((item) => item.category === category)
        .slice(0, LIKED_PER_CATEGORY)
        .map((item) => item.itemId),
    );
    const profile = foldHistory(user.id, likeAndBuy(liked, end), items, counts);
    const summary = summaryOf(profile, items);
    const inside = all.filter(
      (item) => user.categories.includes(item.category) && !liked.includes(item.itemId),
    );
    const outside = all.filter((item) => !user.categories.includes(item.category));
    for (let i = 0; i < itemsPerUser; i += 1) {
      const from = i % 2 === 0 ? inside : outside;
      const item = from[(i * 7 + u * 3) % from.length];
      if (item !== undefined)
        out.push({ userId: user.id, summary, facts: itemFactsFromPayload(item) });
    }
  });
  return out;
}

function check(kind: Kind, value: unknown, pair: Pair): GroundingResult {
  const options = { forbiddenTerms: [pair.userId], historyTitles: historyTitles(pair.summary) };
  return kind === 'description'
    ? checkDescription(value as { text: string }, pair.facts, options)
    : checkAd(
        value as { headline: string; body: string; callToAction: string },
        'BANNER',
        pair.facts,
        options,
      );
}

function share(part: number, whole: number): number {
  return whole === 0 ? Number.NaN : part / whole;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '5' },
      'max-minutes': { type: 'string', default: '15' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    say(USAGE);
    return;
  }
  const itemsPerUser = Number(values.items);
  const maxMinutes = Number(values['max-minutes']);
  if (!Number.isInteger(itemsPerUser) || itemsPerUser < 1 || itemsPerUser > 100)
    throw new Error(`--items must be a whole number from 1 to 100\n${USAGE}`);
  if (!(maxMinutes > 0 && maxMinutes <= 120))
    throw new Error(`--max-minutes must be from 0 to 120\n${USAGE}`);

  const model = await openBenchModel();
  const { config, endpoint } = model;
  const limits = llmLimits(config);
  const benchStarted = performance.now();
  try {
    const usages: TokenUsage[] = [];
    const options = openAiWriterOptions(config, endpoint, {
      logger: silentLogger(),
      onUsage: (usage) => usages.push(usage),
    });
    const llm = new RecordingWriter(options);
    const metrics = recordingMetrics();
    const correctionTurns = config.GENERATION_CORRECTION_TURNS === 0 ? 0 : 1;
    const writer = new CopyWriter({ llm, metrics, correctionTurns });
    const work = pairs(itemsPerUser);
    const stopAt = Date.now() + maxMinutes * 60_000;
    const outcomes: Outcome[] = [];
    let stoppedEarly = false;
    say(
      `writing ${work.length * 2} texts (${work.length} items × description and BANNER ad) with ${endpoint.model} at ${endpoint.baseUrl}`,
    );
    // One text at a time, as the product's background queue does with one local slot.
    for (const pair of work) {
      for (const kind of ['description', 'ad'] as const) {
        if (Date.now() > stopAt) {
          stoppedEarly = true;
          break;
        }
        const answersBefore = llm.answers.length;
        const usagesBefore = usages.length;
        const fallbacksBefore = metrics.fallbacks.length;
        const context = {
          deadline: Date.now() + config.GENERATION_JOB_BUDGET_MS,
          forbiddenTerms: [pair.userId],
          log: silentLogger(),
        };
        const started = performance.now();
        const result =
          kind === 'description'
            ? await writer.description(pair.facts, pair.summary, context)
            : await writer.ad(pair.facts, pair.summary, 'BANNER', context);
        const ms = performance.now() - started;
        const first = llm.answers[answersBefore];
        const verdict = first === undefined ? undefined : check(kind, first.value, pair);
        const reason = metrics.fallbacks[fallbacksBefore];
        outcomes.push({
          kind,
          itemId: pair.facts.id,
          userId: pair.userId,
          served:
            result.fallbackReason === null
              ? 'model'
              : result.fallbackReason === TEMPLATE_CHOSEN_REASON
                ? 'template-chosen'
                : (reason ?? 'connection'),
          firstGrounded: verdict === undefined ? null : verdict.grounded,
          firstProblems: verdict?.problems.slice(0, 5) ?? [],
          ms,
          completions: usages.length - usagesBefore,
          text:
            'text' in result
              ? result.text
              : `${result.headline} | ${result.body} | ${result.callToAction}`,
        });
        const last = outcomes[outcomes.length - 1]!;
        say(
          `  ${kind.padEnd(11)} ${pair.facts.id.padEnd(18)} ${last.served.padEnd(14)} ${fixed(ms / 1000, 1)} s`,
        );
      }
      if (stoppedEarly) break;
    }

    const byKind = (kind: Kind | 'all') =>
      outcomes.filter((o) => kind === 'all' || o.kind === kind);
    const report = (kind: Kind | 'all') => {
      const texts = byKind(kind);
      const parsedFirst = texts.filter((o) => o.firstGrounded !== null);
      const kindUsages = usages.filter((u) => kind === 'all' || u.kind === kind);
      const answers = llm.answers.length;
      return {
        texts: texts.length,
        rawGroundedRate: share(
          parsedFirst.filter((o) => o.firstGrounded === true).length,
          texts.length,
        ),
        firstAnswerUnreadable: share(texts.length - parsedFirst.length, texts.length),
        servedFromModel: share(texts.filter((o) => o.served === 'model').length, texts.length),
        templateChosenOverGrounded: share(
          texts.filter((o) => o.served === 'template-chosen').length,
          texts.length,
        ),
        fallbackRateByReason: Object.fromEntries(
          FAILURE_REASONS.map((reason) => [
            reason,
            share(texts.filter((o) => o.served === reason).length, texts.length),
          ]).filter(([, rate]) => (rate as number) > 0),
        ),
        completionsPerText: share(
          texts.reduce((total, o) => total + o.completions, 0),
          texts.length,
        ),
        answerSeconds: rounded(summarize(texts.map((o) => o.ms / 1000)), 2),
        promptTokens: rounded(summarize(kindUsages.map((u) => u.promptTokens)), 1),
        completionTokens: rounded(summarize(kindUsages.map((u) => u.completionTokens)), 1),
        ...(kind === 'all' ? { parsedAnswers: answers } : {}),
      };
    };
    const results = {
      ...runHeader('llm'),
      model: endpoint.model,
      server: model.server,
      promptVersion: PROMPT_VERSION,
      settings: {
        threads: config.GENERATION_LOCAL_THREADS,
        maxOutputTokens: config.GENERATION_MAX_OUTPUT_TOKENS,
        timeoutMs: limits.timeoutMs,
        maxRetries: config.GENERATION_MAX_RETRIES,
        structuredOutput: config.GENERATION_STRUCTURED_OUTPUT,
        correctionTurns: config.GENERATION_CORRECTION_TURNS,
      },
      itemsPerUser,
      users: DEMO_USERS.map((u) => u.id),
      stoppedEarly,
      benchSeconds: Math.round((performance.now() - benchStarted) / 1000),
      all: report('all'),
      description: report('description'),
      ad: report('ad'),
      examples: outcomes.slice(0, 12).map((o) => ({
        kind: o.kind,
        itemId: o.itemId,
        userId: o.userId,
        served: o.served,
        firstGrounded: o.firstGrounded,
        firstProblems: o.firstProblems,
        text: o.text,
      })),
    };
    say();
    const pct = (value: number) => (Number.isFinite(value) ? `${fixed(value * 100, 0)}%` : '-');
    printTable(
      [
        'kind',
        'texts',
        'raw grounded',
        'served by model',
        'fallbacks',
        'answer p50 s',
        'p95 s',
        'prompt tok',
        'completion tok',
      ],
      (['description', 'ad', 'all'] as const).map((kind) => {
        const r = report(kind);
        return [
          kind,
          r.texts,
          pct(r.rawGroundedRate),
          pct(r.servedFromModel),
          Object.entries(r.fallbackRateByReason)
            .map(([reason, rate]) => `${reason} ${pct(rate as number)}`)
            .join(', ') || '-',
          fixed(r.answerSeconds.p50, 1),
          fixed(r.answerSeconds.p95, 1),
          fixed(r.promptTokens.mean, 0),
          fixed(r.completionTokens.mean, 0),
        ];
      }),
    );
    if (stoppedEarly) say(`stopped after ${maxMinutes} minutes: ${outcomes.length} texts written`);
    say(`results: ${writeResults('llm', results)}`);
  } finally {
    await model.stop();
  }
}

runBench(main);
