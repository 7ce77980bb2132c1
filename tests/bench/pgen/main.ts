import path from 'node:path';
import { parseArgs } from 'node:util';

import { AD_FORMATS } from '@tailor/generation';
import type { ItemPayload, ProfilePayload } from '@tailor/kit';

import { type BenchModel, openBenchModel } from '../lib/llm.js';
import { runHeader } from '../lib/machine.js';
import { fixed, printTable, runBench, say } from '../lib/output.js';
import { REPO_ROOT, resolveFromCwd, writeResults } from '../lib/paths.js';
import { rounded, summarize } from '../lib/stats.js';
import { withTempDir } from '../lib/temp.js';
import {
  distinct2,
  textProblems,
  type UserTruth,
  userTruth,
  type Vocabulary,
  vocabulary,
} from './checks.js';
import {
  BENCH_EPOCH_MS,
  type BenchUser,
  type Cohort,
  likeAndBuy,
  movielensCohort,
  syntheticCohort,
} from './cohorts.js';
import {
  attribute,
  clusteredBootstrap,
  type Estimate,
  Judge,
  judgeCacheDir,
  type JudgeName,
  JUDGES,
} from './judge.js';
import { type ModelRun, sampleItems, writeWithModel } from './model.js';
import { foldHistory, tagCounts } from './profiles.js';
import { type BenchWriter, type Format, writers } from './writers.js';

const USAGE = `usage: npm run bench:pgen -- [--data <movielens dir>] [--samples <n>] [--llm [--llm-items <n>] [--llm-max-minutes <m>]] [--out <name>]
  --data             a MovieLens release in CSV form (default ../shared/data/movielens-small)
  --samples          sample texts per format printed and written for two users (default 2)
  --llm              also the real model: rows llm-raw, served and served-ties-to-template, with
                     the template on the same texts beside them (template@llm-sample); the model
                     is LLM_BASE_URL/LLM_MODEL when set, else started as GENERATION_PROVIDER=local
  --llm-items        probe items per cohort the model writes for, for every user, a description
                     and a BANNER ad each (default 4: 136 completions, about 15 minutes on 1 thread)
  --llm-max-minutes  no model text is started after this long (default 40)
  --out              results file name under tests/bench/results (default pgen)
Needs the judges: bash tests/bench/pgen/fetch-judges.sh (cache: PGEN_CACHE_DIR, default ~/.cache/tailor/pgen)`;

const FORMATS: readonly Format[] = ['description', ...AD_FORMATS, 'tagline'];
const HOUR_MS = 3_600_000;

/** One written text and what it took. */
interface Written {
  cohort: string;
  writer: string;
  format: Format;
  userId: string;
  itemId: string;
  text: string;
  interest: string | null;
  source: 'template' | 'model';
  ms: number;
  faithfulness: string[];
  honesty: string[];
}

/** A user as the judges see them: the titles and tags of the items they acted on. */
function describeUser(user: BenchUser, items: ReadonlyMap<string, ItemPayload>): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const event of user.history) {
    if (seen.has(event.itemId)) continue;
    seen.add(event.itemId);
    const item = items.get(event.itemId)!;
    parts.push(`${item.title} (${[item.category, ...item.tags].join(', ')})`);
  }
  return `Items this shopper liked: ${parts.join('; ')}.`;
}

function group(cohort: Cohort, item: ItemPayload, a: BenchUser, b: BenchUser): 'in' | 'out' {
  const carried = new Set(cohort.interestsOf(item));
  return [...a.interests, ...b.interests].some((i) => carried.has(i)) ? 'in' : 'out';
}

interface Prepared {
  cohort: Cohort;
  profiles: Map<string, ProfilePayload>;
  truths: Map<string, UserTruth>;
  descriptions: Map<string, string>;
  vocab: Vocabulary;
}

function prepare(cohort: Cohort): Prepared {
  const counts = tagCounts(cohort.items);
  const profiles = new Map<string, ProfilePayload>();
  const truths = new Map<string, UserTruth>();
  const descriptions = new Map<string, string>();
  for (const user of cohort.users) {
    profiles.set(user.id, foldHistory(user.id, user.history, cohort.items, counts));
    truths.set(
      user.id,
      userTruth(
        user.id,
        user.history.map((h) => h.itemId),
        cohort.items,
      ),
    );
    descriptions.set(user.id, describeUser(user, cohort.items));
  }
  return { cohort, profiles, truths, descriptions, vocab: vocabulary(cohort.items) };
}

function writeAll(prepared: Prepared, writer: BenchWriter): Written[] {
  const { cohort } = prepared;
  const out: Written[] = [];
  for (const format of FORMATS) {
    for (const user of cohort.users) {
      const profile = prepared.profiles.get(user.id)!;
      const truth = prepared.truths.get(user.id)!;
      for (const itemId of cohort.probeItems) {
        const item = cohort.items.get(itemId)!;
        const started = process.hrtime.bigint();
        const copy = writer.write(item, profile, cohort.items, format);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        out.push({
          cohort: cohort.name,
          writer: writer.name,
          format,
          userId: user.id,
          itemId,
          text: copy.text,
          interest: copy.interest,
          source: copy.source,
          ms,
          ...textProblems(copy.text, item, truth, prepared.vocab),
        });
      }
    }
  }
  return out;
}

/** One row of the results: a writer, format and item group in one cohort. */
interface Row {
  cohort: string;
  writer: string;
  format: Format;
  group: 'in' | 'out';
  attribution: Record<JudgeName, Estimate>;
  texts: number;
  faithfulnessViolations: number;
  honestyViolations: number;
  distinct2AcrossUsers: number;
  distinct2AcrossItems: number;
  latencyMs: { mean: number; p95: number };
  tokensPerText: number;
  servedFromModel: number;
  interestNamed: number;
}

function rowsFor(prepared: Prepared, written: readonly Written[], judges: readonly Judge[]): Row[] {
  const { cohort } = prepared;
  const rows: Row[] = [];
  const byKey = new Map(written.map((w) => [`${w.writer}|${w.format}|${w.userId}|${w.itemId}`, w]));
  const writersSeen = [...new Set(written.map((w) => w.writer))];
  for (const writer of writersSeen) {
    for (const format of FORMATS) {
      for (const wanted of ['in', 'out'] as const) {
        const scores = new Map<JudgeName, { cluster: string; score: number }[]>(
          judges.map((j) => [j.name, []]),
        );
        const texts = new Map<string, Written>();
        for (const itemId of cohort.probeItems) {
          const item = cohort.items.get(itemId)!;
          const users = cohort.users;
          for (let i = 0; i < users.length; i += 1) {
            for (let k = i + 1; k < users.length; k += 1) {
              const a = users[i]!;
              const b = users[k]!;
              if (a.interests.join() === b.interests.join()) continue;
              if (group(cohort, item, a, b) !== wanted) continue;
              const wa = byKey.get(`${writer}|${format}|${a.id}|${itemId}`);
              const wb = byKey.get(`${writer}|${format}|${b.id}|${itemId}`);
              // The model rows cover a sample, and a raw answer may be missing (unreadable).
              if (wa === undefined || wb === undefined) continue;
              texts.set(`${a.id}|${itemId}`, wa);
              texts.set(`${b.id}|${itemId}`, wb);
              for (const judge of judges) {
                scores.get(judge.name)!.push({
                  cluster: itemId,
                  score: attribute(judge, {
                    cluster: itemId,
                    textA: wa.text,
                    textB: wb.text,
                    userA: prepared.descriptions.get(a.id)!,
                    userB: prepared.descriptions.get(b.id)!,
                  }),
                });
              }
            }
          }
        }
        const served = [...texts.values()];
        if (served.length === 0) continue;
        const perItem = groupBy(served, (w) => w.itemId).map((ws) =>
          distinct2(ws.map((w) => w.text)),
        );
        const perUser = groupBy(served, (w) => w.userId).map((ws) =>
          distinct2(ws.map((w) => w.text)),
        );
        const latency = summarize(served.map((w) => w.ms));
        rows.push({
          cohort: cohort.name,
          writer,
          format,
          group: wanted,
          attribution: Object.fromEntries(
            judges.map((j) => [j.name, rounded(clusteredBootstrap(scores.get(j.name)!))]),
          ) as Record<JudgeName, Estimate>,
          texts: served.length,
          faithfulnessViolations: served.filter((w) => w.faithfulness.length > 0).length,
          honestyViolations: served.filter((w) => w.honesty.length > 0).length,
          distinct2AcrossUsers: round(mean(perItem)),
          distinct2AcrossItems: round(mean(perUser)),
          latencyMs: { mean: round(latency.mean, 4), p95: round(latency.p95, 4) },
          tokensPerText: round(mean(served.map((w) => judges[0]!.tokens(w.text))), 1),
          servedFromModel: round(served.filter((w) => w.source === 'model').length / served.length),
          interestNamed: round(served.filter((w) => w.interest !== null).length / served.length),
        });
      }
    }
  }
  return rows;
}

function groupBy<T>(values: readonly T[], key: (value: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value]);
  return [...groups.values()];
}

function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((s, v) => s + v, 0) / finite.length;
}

function round(value: number, decimals = 3): number {
  return Number.isFinite(value) ? Number(value.toFixed(decimals)) : value;
}

/** Dynamic preferences: the result for one writer and format. */
interface DriftRow {
  writer: string;
  format: Format;
  /** Per judge, the share of probe texts attributed to the new interest after k new events. */
  curve: Record<JudgeName, number[]>;
  /** Per judge, the fewest new events after which most probe texts go to the new interest. */
  eventsToFlip: Record<JudgeName, number | null>;
}

const DRIFT = { from: 'outdoor', to: 'kitchen', events: 12 } as const;
const DRIFT_FORMATS: readonly Format[] = ['description', 'BANNER'];

/**
 * A user with twelve outdoor likes and purchases moves to kitchen items, one like and
 * purchase at a time, five minutes apart, starting two days later. After each step every
 * writer writes for the same probe items (neither outdoor nor kitchen), and the judges say
 * whether each text reads as written for the old interests or the new.
 */
function drift(
  cohort: Cohort,
  writerList: readonly BenchWriter[],
  judges: readonly Judge[],
  scratch: string,
): DriftRow[] {
  const items = cohort.items;
  const counts = tagCounts(items);
  const of = (category: string) =>
    [...items.values()].filter((i) => i.category === category).map((i) => i.itemId);
  const old = of(DRIFT.from).slice(-12);
  const fresh = of(DRIFT.to).slice(-DRIFT.events);
  const probes = cohort.probeItems.filter((id, i) => {
    if (i % 3 !== 0) return false;
    const category = items.get(id)!.category;
    return category !== DRIFT.from && category !== DRIFT.to;
  });
  const start = BENCH_EPOCH_MS - 2 * 24 * HOUR_MS;
  const base = likeAndBuy(old, start);
  const oldUser = { id: 'drift', interests: [DRIFT.from], history: base };
  const newUser = {
    id: 'drift',
    interests: [DRIFT.to],
    history: likeAndBuy(fresh, BENCH_EPOCH_MS),
  };
  const oldText = describeUser(oldUser, items);
  const newText = describeUser(newUser, items);
  const steps: ProfilePayload[] = [];
  for (let k = 0; k <= DRIFT.events; k += 1) {
    const moved = likeAndBuy(fresh.slice(0, k), BENCH_EPOCH_MS).map((e) => ({
      ...e,
      // Five minutes per item instead of two hours: a session, not a month.
      at: BENCH_EPOCH_MS - (k - 1) * 5 * 60_000 + (e.at - BENCH_EPOCH_MS) / 24,
    }));
    steps.push(foldHistory('drift', [...base, ...moved], items, counts));
  }
  const rows: DriftRow[] = [];
  const pending: { writer: string; format: Format; texts: string[][] }[] = [];
  for (const writer of writerList) {
    for (const format of DRIFT_FORMATS) {
      const texts = steps.map((profile) =>
        probes.map((id) => writer.write(items.get(id)!, profile, items, format).text),
      );
      pending.push({ writer: writer.name, format, texts });
    }
  }
  for (const judge of judges) {
    judge.embed([oldText, newText, ...pending.flatMap((p) => p.texts.flat())], scratch);
  }
  for (const p of pending) {
    // Each step's text is set against the text the writer gave before the move: the judge
    // says which of the two was written for the new interests (0.5 while they are the same).
    const curve = Object.fromEntries(
      judges.map((judge) => [
        judge.name,
        p.texts.map((texts) =>
          round(
            mean(
              texts.map((text, i) =>
                attribute(judge, {
                  cluster: String(i),
                  textA: text,
                  textB: p.texts[0]![i]!,
                  userA: newText,
                  userB: oldText,
                }),
              ),
            ),
          ),
        ),
      ]),
    ) as Record<JudgeName, number[]>;
    const eventsToFlip = Object.fromEntries(
      judges.map((judge) => {
        const k = curve[judge.name].findIndex((share) => share > 0.5);
        return [judge.name, k < 0 ? null : k];
      }),
    ) as Record<JudgeName, number | null>;
    rows.push({ writer: p.writer, format: p.format, curve, eventsToFlip });
  }
  return rows;
}

function interval(e: Estimate): string {
  return `${fixed(e.value, 2)} [${fixed(e.low, 2)}, ${fixed(e.high, 2)}]`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      samples: { type: 'string' },
      llm: { type: 'boolean' },
      'llm-items': { type: 'string' },
      'llm-max-minutes': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    say(USAGE);
    return;
  }
  const dataDir =
    values.data === undefined
      ? path.join(REPO_ROOT, '..', 'shared', 'data', 'movielens-small')
      : resolveFromCwd(values.data);
  const sampleCount = values.samples === undefined ? 2 : Number(values.samples);
  if (!Number.isInteger(sampleCount) || sampleCount < 0) {
    throw new Error(`--samples must be a whole number ≥ 0, got ${values.samples}`);
  }
  const llmItems = Number(values['llm-items'] ?? 4);
  const llmMinutes = Number(values['llm-max-minutes'] ?? 40);
  if (!Number.isInteger(llmItems) || llmItems < 1 || llmItems > 100) {
    throw new Error(`--llm-items must be a whole number from 1 to 100, got ${values['llm-items']}`);
  }
  if (!(llmMinutes > 0 && llmMinutes <= 240)) {
    throw new Error(`--llm-max-minutes must be above 0 and at most 240, got ${llmMinutes}`);
  }
  const out = values.out ?? 'pgen';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(out)) {
    throw new Error(`--out must be lowercase letters, digits and dashes, got ${out}`);
  }
  const cacheDir = judgeCacheDir();
  const judges = JUDGES.map((j) => new Judge(j.name, j.runner, cacheDir));
  await withTempDir('pgen', async (scratch) => {
    const cohorts = [syntheticCohort(), movielensCohort(dataDir)].map(prepare);
    const writerList = writers();
    const written: Written[] = [];
    for (const prepared of cohorts) {
      for (const writer of writerList) written.push(...writeAll(prepared, writer));
    }
    const modelRuns =
      values.llm === true ? await modelRows(cohorts, written, llmItems, llmMinutes) : [];
    const allTexts = [
      ...written.map((w) => w.text),
      ...cohorts.flatMap((p) => [...p.descriptions.values()]),
    ];
    for (const judge of judges) judge.embed(allTexts, scratch);
    const rows = cohorts.flatMap((p) =>
      rowsFor(
        p,
        written.filter((w) => w.cohort === p.cohort.name),
        judges,
      ),
    );
    const drifts = drift(cohorts[0]!.cohort, writerList, judges, scratch);
    printTable(
      [
        'cohort',
        'writer',
        'format',
        'group',
        'judge A [95% CI]',
        'judge B [95% CI]',
        'unfaithful',
        'dishonest',
        'd2 users',
        'ms',
        'tokens',
      ],
      rows.map((r) => [
        r.cohort,
        r.writer,
        r.format,
        r.group,
        interval(r.attribution.A),
        interval(r.attribution.B),
        `${r.faithfulnessViolations}/${r.texts}`,
        `${r.honestyViolations}/${r.texts}`,
        fixed(r.distinct2AcrossUsers, 2),
        fixed(r.latencyMs.mean, 3),
        fixed(r.tokensPerText, 0),
      ]),
    );
    say();
    printTable(
      [
        'writer',
        'format',
        'events to flip (A)',
        'events to flip (B)',
        'share new after 0..12 events (A)',
      ],
      drifts.map((d) => [
        d.writer,
        d.format,
        d.eventsToFlip.A ?? 'never',
        d.eventsToFlip.B ?? 'never',
        d.curve.A.map((v) => fixed(v, 1)).join(' '),
      ]),
    );
    const problems = written.filter((w) => w.faithfulness.length + w.honesty.length > 0);
    const examples = problems.slice(0, 12).map((w) => ({
      cohort: w.cohort,
      writer: w.writer,
      format: w.format,
      itemId: w.itemId,
      text: w.text,
      problems: [...w.faithfulness, ...w.honesty],
    }));
    if (examples.length > 0) {
      say();
      say('first problems found:');
      for (const e of examples.slice(0, 5))
        say(`  ${e.writer} ${e.format}: ${e.problems.join('; ')} — "${e.text}"`);
    }
    const samples = cohorts.flatMap((p) => sampleTexts(written, p.cohort, sampleCount));
    if (modelRuns.length > 0) {
      say();
      for (const r of modelRuns) say(modelLine(r));
    }
    writeResults(out, {
      ...runHeader('pgen'),
      method: {
        judges: JUDGES,
        trial:
          'for one item and two users with different interests, the judge pairs the two texts with the two user descriptions (titles and tags of the items each acted on); 1 when the matched pairing is more similar than the swapped one, 0.5 on a tie',
        interval: '95% percentile bootstrap over items (1000 resamples)',
        groups:
          'in: the item carries an interest of one of the two users (synthetic: its category; MovieLens: one of its genres); out: it carries neither',
        users: Object.fromEntries(
          cohorts.map((p) => [p.cohort.name, p.cohort.users.map((u) => u.interests)]),
        ),
        probeItems: Object.fromEntries(
          cohorts.map((p) => [p.cohort.name, p.cohort.probeItems.length]),
        ),
      },
      rows,
      dynamicPreferences: { from: DRIFT.from, to: DRIFT.to, rows: drifts },
      ...(modelRuns.length > 0 ? { model: modelSummary(modelRuns, llmItems) } : {}),
      problemExamples: examples,
      samples,
    });
  });
}

/** Texts of the same items for two users with different interests, side by side. */
function sampleTexts(written: readonly Written[], cohort: Cohort, perFormat: number) {
  const [first, second] = [cohort.users[0]!, cohort.users[1]!];
  const carries = (id: string, interests: readonly string[]) =>
    cohort.interestsOf(cohort.items.get(id)!).some((i) => interests.includes(i));
  const out: {
    cohort: string;
    writer: string;
    format: Format;
    itemId: string;
    title: string;
    texts: Record<string, string>;
  }[] = [];
  for (const writer of [...new Set(written.map((w) => w.writer))]) {
    const mine = written.filter((w) => w.cohort === cohort.name && w.writer === writer);
    const find = (u: BenchUser, format: Format, itemId: string) =>
      mine.find((w) => w.format === format && w.userId === u.id && w.itemId === itemId);
    for (const format of ['description', 'BANNER', 'tagline'] as Format[]) {
      // One item in the first user's interests, one in neither user's, among those the
      // writer wrote for both (the model rows cover a sample).
      const both = cohort.probeItems.filter(
        (id) => find(first, format, id) !== undefined && find(second, format, id) !== undefined,
      );
      const items = [
        both.find((id) => carries(id, first.interests)),
        both.find((id) => !carries(id, [...first.interests, ...second.interests])),
      ].filter((id) => id !== undefined);
      for (const itemId of items.slice(0, perFormat)) {
        const [a, b] = [find(first, format, itemId)!, find(second, format, itemId)!];
        out.push({
          cohort: cohort.name,
          writer,
          format,
          itemId,
          title: cohort.items.get(itemId)!.title,
          texts: {
            [first.interests.join('+')]: a.text,
            [second.interests.join('+')]: b.text,
          },
        });
      }
    }
  }
  return out;
}

/** Per cohort, the model run with the cohort's name. */
type CohortRun = ModelRun & { cohort: string; items: string[] };

/**
 * The real model's rows: it writes for every user and a sample of each cohort's probe items;
 * the template's texts for the same (user, item, format) are copied into `template@llm-sample`,
 * so the model's rows are set against the template on exactly the same pairs.
 */
async function modelRows(
  cohorts: readonly Prepared[],
  written: Written[],
  itemsPerCohort: number,
  maxMinutes: number,
): Promise<CohortRun[]> {
  const model: BenchModel = await openBenchModel();
  const stopAt = Date.now() + maxMinutes * 60_000;
  const runs: CohortRun[] = [];
  try {
    for (const prepared of cohorts) {
      const { cohort } = prepared;
      const items = sampleItems(cohort, itemsPerCohort);
      const run = await writeWithModel(model, cohort, prepared.profiles, items, stopAt);
      runs.push({ ...run, cohort: cohort.name, items });
      const asked = new Set<string>();
      for (const t of run.texts) {
        const item = cohort.items.get(t.itemId)!;
        const truth = prepared.truths.get(t.userId)!;
        written.push({
          cohort: cohort.name,
          writer: t.writer,
          format: t.format,
          userId: t.userId,
          itemId: t.itemId,
          text: t.text,
          interest: t.interest,
          source: t.source,
          ms: t.ms,
          ...textProblems(t.text, item, truth, prepared.vocab),
        });
        if (t.writer === 'served') asked.add(`${t.format}|${t.userId}|${t.itemId}`);
      }
      for (const w of written.filter(
        (w) =>
          w.cohort === cohort.name &&
          w.writer === 'template' &&
          asked.has(`${w.format}|${w.userId}|${w.itemId}`),
      )) {
        written.push({ ...w, writer: 'template@llm-sample' });
      }
    }
  } finally {
    await model.stop();
  }
  return runs;
}

function modelSummary(runs: readonly CohortRun[], itemsPerCohort: number) {
  return {
    model: runs[0]?.model,
    server: runs[0]?.server,
    itemsPerCohort,
    formats: ['description', 'BANNER'],
    cohorts: runs.map((r) => ({
      cohort: r.cohort,
      items: r.items,
      asked: r.asked,
      parsedFirstAnswers: r.parsed,
      groundedFirstAnswers: r.grounded,
      servedFromModel: r.servedFromModel,
      stoppedEarly: r.stoppedEarly,
      promptTokensMean: round(mean(r.promptTokens), 1),
      completionTokensMean: round(mean(r.completionTokens), 1),
      secondsPerText: round(
        mean(r.texts.filter((t) => t.writer === 'served').map((t) => t.ms / 1000)),
        2,
      ),
    })),
  };
}

function modelLine(r: CohortRun): string {
  const served = r.texts.filter((t) => t.writer === 'served');
  return `${r.cohort}: ${r.model} asked ${r.asked}, first answer parsed ${r.parsed}, grounded ${r.grounded}, served from the model ${r.servedFromModel}; ${fixed(mean(served.map((t) => t.ms / 1000)), 1)} s a text${r.stoppedEarly ? ' (stopped early)' : ''}`;
}

runBench(main);
