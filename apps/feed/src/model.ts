// The feed page's data and the pure decisions it makes about it: no DOM, no network, so it is
// unit-tested under Node.

/** A price as the graph serves it. */
export interface Money {
  amount: number;
  currency: string;
}

/** What a variant of generated copy leads with (the graph's `CreativeAngle`). */
export type Angle = 'INTEREST' | 'VALUE' | 'POPULARITY' | 'NOVELTY';

/** How the bandit chose a variant, as the graph's `VariantChoice`. */
export interface VariantChoice {
  /** `format|surface|top category`: where the bandit learns this choice. */
  bucket: string;
  propensity: number;
  offered: { angle: Angle; probability: number }[];
  byBandit: boolean;
  chosenAt: string;
}

/** Which variant a generated output is: the graph's stable id, its angle, how it was chosen. */
export interface Variant {
  creativeId: string;
  angle: Angle;
  /** Null when no choice was made for a user. */
  choice: VariantChoice | null;
}

/** One card of the feed: a recommendation with its generated copy and thumbnail. */
export interface FeedCard {
  item: { id: string; title: string; category: string; price: Money };
  score: number;
  reasons: string[];
  description: Variant & {
    text: string;
    provider: string;
    model: string;
    promptVersion: string;
    grounded: boolean;
    /** The user's interest the copy was written around; null when it names none. */
    interest: string | null;
  };
  ad: Variant & { headline: string; body: string; callToAction: string; interest: string | null };
  thumbnail: Variant & { url: string; altText: string; width: number; height: number };
}

/** The part of the Home query's answer the page shows as cards. */
export interface HomeData {
  user: {
    id: string;
    recommendations: {
      recommendationId: string;
      strategy: string;
      items: FeedCard[];
    };
  };
}

/** A category or tag with its share of the user's interest (0 to 1). */
export interface WeightedInterest {
  name: string;
  weight: number;
}

/** What the profile panel shows. */
export interface ProfileSnapshot {
  eventCount: number;
  topCategories: WeightedInterest[];
  topTags: WeightedInterest[];
}

/** The answer of the page's FeedProfile query. */
export interface ProfileData {
  user: { id: string; profile: ProfileSnapshot };
}

/** One interest row of the profile panel, with how it moved since the previous refresh. */
export interface InterestRow extends WeightedInterest {
  /** Weight now minus weight at the previous refresh; null when there was no previous refresh. */
  delta: number | null;
  /** True when the interest was not in the previous refresh's list. */
  isNew: boolean;
}

/**
 * Pairs each interest with its weight at the previous refresh. An interest missing from the
 * previous list counts as 0 then: the lists are top-N, so it was at most below the cut.
 */
export function interestRows(
  now: readonly WeightedInterest[],
  before: readonly WeightedInterest[] | undefined,
): InterestRow[] {
  const previous = new Map((before ?? []).map((interest) => [interest.name, interest.weight]));
  return now.map(({ name, weight }) => {
    const was = previous.get(name);
    return {
      name,
      weight,
      delta: before === undefined ? null : weight - (was ?? 0),
      isNew: before !== undefined && was === undefined,
    };
  });
}

/** Changes smaller than this (a tenth of a percentage point) are shown as no change. */
const VISIBLE_DELTA = 0.001;

/** A weight as a percentage, e.g. `42.3%`. */
export function formatShare(weight: number): string {
  return `${(weight * 100).toFixed(1)}%`;
}

/** A change of weight in percentage points, e.g. `+3.1 pts`; empty when there is none to show. */
export function formatDelta(delta: number | null): string {
  if (delta === null || Math.abs(delta) < VISIBLE_DELTA) return '';
  const points = (delta * 100).toFixed(1);
  return `${delta > 0 ? '+' : ''}${points} pts`;
}

/**
 * What each card button records, as GraphQL `EventType` values. `earns`: the event earns the
 * credited variant a reward under generation's default `GENERATION_REWARD_WEIGHTS` (views and
 * dislikes weigh 0), so the page waits for the loop's figures to show it.
 */
export const CARD_ACTIONS = [
  { action: 'view', label: 'View', type: 'VIEW', earns: false },
  { action: 'like', label: 'Like', type: 'LIKE', earns: true },
  { action: 'dislike', label: 'Dislike', type: 'DISLIKE', earns: false },
  { action: 'buy', label: 'Buy', type: 'PURCHASE', earns: true },
] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

/**
 * Where the page's lists are shown: asked for with every list (the recommender's impressions
 * and generation's bandit bucket carry it) and recorded with every event, so the page's traffic
 * is told apart from other frontends'.
 */
export const FEED_SURFACE = 'feed-page';

/** The graph's `CreativeFormat` of each of a card's three variants. */
export type CreativeFormat = 'THUMBNAIL' | 'AD_BANNER' | 'DESCRIPTION';

/** One of the variants a card shows, as the card's variant panel lists it. */
export interface CardVariant extends Variant {
  format: CreativeFormat;
  /** What the reader calls it: "Picture", "Ad", "Description". */
  label: string;
  /**
   * True for the one variant a card's buttons credit: an event names one `creativeId`, and
   * the picture is what the shopper sees first.
   */
  credited: boolean;
}

/** A card's three variants, in the order the card shows them; the credited one first. */
export function cardVariants(card: FeedCard): CardVariant[] {
  const variant = (
    format: CreativeFormat,
    label: string,
    { creativeId, angle, choice }: Variant,
  ): CardVariant => ({
    format,
    label,
    creativeId,
    angle,
    choice,
    credited: format === 'THUMBNAIL',
  });
  return [
    variant('THUMBNAIL', 'Picture', card.thumbnail),
    variant('AD_BANNER', 'Ad', card.ad),
    variant('DESCRIPTION', 'Description', card.description),
  ];
}

/** An angle as the page words it. */
export const ANGLE_LABELS: Readonly<Record<Angle, string>> = {
  INTEREST: 'your interest',
  VALUE: 'price and facts',
  POPULARITY: 'popularity',
  NOVELTY: 'something new for you',
};

/** A `UserEventInput` of the graph, as the page sends it. */
export interface EventInput {
  userId: string;
  itemId: string;
  type: CardAction['type'];
  context: {
    surface: string;
    recommendationId: string;
    creativeId: string;
    device: string;
    extra: { key: string; value: string }[];
  };
}

/** The event a card button records: the item, the list it came from and what it showed. */
export function cardEvent(
  userId: string,
  recommendationId: string,
  card: FeedCard,
  position: number,
  action: CardAction,
): EventInput {
  return {
    userId,
    itemId: card.item.id,
    type: action.type,
    context: {
      surface: FEED_SURFACE,
      recommendationId,
      creativeId: card.thumbnail.creativeId,
      device: 'web',
      // The other two variants ride along for analysis; only creativeId earns credit.
      extra: [
        { key: 'adCreativeId', value: card.ad.creativeId },
        { key: 'descriptionCreativeId', value: card.description.creativeId },
        { key: 'position', value: String(position) },
      ],
    },
  };
}

/** The line under a card's copy saying which of the user's interests it was written around. */
export function interestLine(card: FeedCard): string {
  const interest = card.description.interest ?? card.ad.interest;
  return interest === null
    ? 'Copy not tied to an interest yet: no history for this user'
    : `Copy written around your interest in ${interest}`;
}

/** A share in percent with one decimal, e.g. `8.3%`. */
function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/**
 * Why a variant is shown, in one line: the odds the bandit gave each angle the item offered, in
 * which context bucket, and when (a user keeps a choice a while, so it may predate the list).
 */
export function choiceLine(choice: VariantChoice | null): string {
  if (choice === null) return 'Not chosen for anyone in particular.';
  const at = `chosen ${choice.chosenAt.slice(11, 19)} UTC`;
  if (!choice.byBandit)
    return `Variants are off for this user (their experiment arm or the setting): the interest angle, ${at}.`;
  const odds = choice.offered
    .map((o) => `${ANGLE_LABELS[o.angle]} ${percent(o.probability)}`)
    .join(', ');
  return `Chosen by the bandit with probability ${percent(choice.propensity)} in ${choice.bucket} (${odds}), ${at}.`;
}

/** A rate with its 95% interval, as the graph's `ExperimentRate`. */
export interface Rate {
  rate: number;
  low: number;
  high: number;
}

/** What the loop counted for a group of showings: a creative, an angle. */
export interface LoopCounts {
  impressions: number;
  clicks: number;
  conversions: number;
  /** Sum of the showings' rewards, each at most 1. */
  reward: number;
  ctr: Rate;
  conversionRate: Rate;
}

/** One creative's figures, as the graph's `CreativeStats`. */
export interface CreativeStats extends LoopCounts {
  creativeId: string;
  format: string;
  angle: Angle;
}

/** The answer of the page's FeedCreativeStats query. */
export interface CreativeStatsData {
  creativeStats: CreativeStats[];
}

/** One angle's figures, as the graph's `AngleStats`. */
export interface AngleStats extends LoopCounts {
  angle: Angle;
}

/** The answer of the page's FeedAngleStats query. */
export interface AngleStatsData {
  angleStats: AngleStats[];
}

/** The figures of one variant among its item's creatives; undefined when it was never counted. */
export function statsOf(
  variant: Pick<Variant, 'creativeId'>,
  stats: readonly CreativeStats[],
): CreativeStats | undefined {
  return stats.find((s) => s.creativeId === variant.creativeId);
}

/** A rate with its interval, e.g. `8.3% (95%: 1.5–35.4%)`. */
export function formatRate(rate: Rate): string {
  const low = (rate.low * 100).toFixed(1);
  return `${percent(rate.rate)} (95%: ${low}–${percent(rate.high)})`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A group's figures in one line; says so when the loop has counted nothing for it. */
export function statsLine(counts: LoopCounts | undefined): string {
  if (counts === undefined || counts.impressions === 0) return 'Not counted yet';
  return [
    `shown ${plural(counts.impressions, 'time')}`,
    `reward ${counts.reward.toFixed(2)}`,
    plural(counts.clicks, 'click'),
    plural(counts.conversions, 'conversion'),
    `CTR ${formatRate(counts.ctr)}`,
  ].join(' · ');
}

/**
 * Whether what an event earns has reached the figures: more reward, clicks or conversions than
 * before. Impressions alone do not count: a refresh shows variants, only events earn.
 */
export function statsMoved(before: LoopCounts | undefined, after: LoopCounts | undefined): boolean {
  if (after === undefined) return false;
  const was = before ?? { reward: 0, clicks: 0, conversions: 0 };
  return (
    after.reward > was.reward + 1e-9 ||
    after.clicks > was.clicks ||
    after.conversions > was.conversions
  );
}

/** One row of the page's angle table. */
export interface AngleRow {
  angle: Angle;
  label: string;
  /** This angle's share of every showing counted: what the bandit gives it. */
  share: number;
  /** The angle's summed reward: what a credited Like or Buy adds to. */
  reward: number;
  line: string;
}

/** The angle table: every angle shown, most shown first, with its share of the showings. */
export function angleRows(stats: readonly AngleStats[]): AngleRow[] {
  const total = stats.reduce((sum, s) => sum + s.impressions, 0);
  return stats.map((s) => ({
    angle: s.angle,
    label: ANGLE_LABELS[s.angle],
    share: total === 0 ? 0 : s.impressions / total,
    reward: s.reward,
    line: statsLine(s),
  }));
}

/** Codes the graph answers the loop's figures with when the caller may not read them. */
const DENIED_CODES = ['FORBIDDEN', 'UNAUTHENTICATED'];

/**
 * What the page says instead of figures it could not read: the figures are for service tokens
 * (a creative shown to a few users would tell one what the others did), so a user's token is
 * told that, and any other failure is shown as it is.
 */
export function statsNotice(codes: readonly string[], message: string): string {
  if (codes.some((code) => DENIED_CODES.includes(code)))
    return 'These figures need a service token (Bearer token above): a creative shown to a few users would tell one what the others did.';
  return `Figures unavailable: ${message}`;
}

/** An arm's settings, as the graph's `ArmSettings`. */
export interface ArmSettings {
  mmrLambda: number | null;
  blendWeights: { source: string; weight: number }[];
  bandit: boolean | null;
}

/** An experiment as defined, as the graph's `Experiment` without results. */
export interface ExperimentDefinition {
  name: string;
  description: string | null;
  status: 'RUNNING' | 'STOPPED';
  stoppedAt: string | null;
  arms: { name: string; description: string | null; traffic: number; settings: ArmSettings }[];
}

/** The answer of the page's FeedExperiments query. */
export interface ExperimentsData {
  experiments: ExperimentDefinition[];
}

/** One arm's results, as the graph's `ArmResult`. */
export interface ArmResult {
  arm: string;
  users: number;
  exposures: number;
  clicks: number;
  ctr: Rate;
  conversions: number;
  conversionRate: Rate;
  revenue: number;
  revenuePerUser: { mean: number; low: number; high: number };
}

/** One experiment's results, as the graph's `ExperimentResults` (the parts the page shows). */
export interface ExperimentResults {
  arms: ArmResult[];
  verdict: string | null;
  impressionsNotCounted: number;
}

/** The answer of the page's FeedExperimentResults query. */
export interface ExperimentResultsData {
  experiments: { name: string; results: ExperimentResults }[];
}

/** What an arm changes, in words; an arm that changes nothing keeps the services' settings. */
export function armSettingsLine(settings: ArmSettings): string {
  const parts: string[] = [];
  if (settings.mmrLambda !== null) parts.push(`MMR λ ${settings.mmrLambda}`);
  if (settings.blendWeights.length > 0)
    parts.push(`blend ${settings.blendWeights.map((w) => `${w.source} ${w.weight}`).join(', ')}`);
  if (settings.bandit !== null) parts.push(`copy variants ${settings.bandit ? 'on' : 'off'}`);
  return parts.length === 0 ? "the services' own settings" : parts.join(' · ');
}

/** An arm's results in one line. */
export function armResultLine(result: ArmResult): string {
  if (result.users === 0) return 'No one exposed yet';
  const { mean, low, high } = result.revenuePerUser;
  return [
    plural(result.users, 'user'),
    `${result.exposures} shown`,
    `CTR ${formatRate(result.ctr)}`,
    `${result.conversions} converted, ${formatRate(result.conversionRate)}`,
    `revenue ${result.revenue.toFixed(2)} (per user ${mean.toFixed(2)}, 95%: ${low.toFixed(2)}–${high.toFixed(2)})`,
  ].join(' · ');
}

/** The experiment's verdict, or why there is none. */
export function verdictLine(results: ExperimentResults): string {
  return results.verdict ?? 'No significant difference yet.';
}
