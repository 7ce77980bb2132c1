import 'reflect-metadata';

import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { AD_FORMATS, type AdFormat } from '../domain/copy.js';
import type { Angle } from '../domain/loop/angles.js';
import type { CreativeFormat } from '../domain/loop/creative.js';
import { ExperimentRate } from './experiment.type.js';
import { CreativeAngleValue } from './generated.type.js';

/** Creative formats as a GraphQL enum: the names creative ids are made with. */
export const CreativeFormatValue = Object.fromEntries(
  (['DESCRIPTION', ...AD_FORMATS.map((f) => `AD_${f}`), 'THUMBNAIL'] as CreativeFormat[]).map(
    (f) => [f, f],
  ),
) as Record<CreativeFormat, CreativeFormat>;

/** Said of each format in the schema; a new ad format fails to compile until it is described. */
const CREATIVE_FORMAT_DESCRIPTIONS: Record<
  'DESCRIPTION' | `AD_${AdFormat}` | 'THUMBNAIL',
  { description: string }
> = {
  DESCRIPTION: { description: "An item's personalized description (`description`)." },
  AD_BANNER: { description: 'A display banner ad (`ad(format: BANNER)`).' },
  AD_SOCIAL: { description: 'A social media post ad (`ad(format: SOCIAL)`).' },
  AD_EMAIL_SUBJECT: { description: 'A marketing e-mail ad (`ad(format: EMAIL_SUBJECT)`).' },
  THUMBNAIL: { description: "An item's personalized thumbnail (`thumbnail`)." },
};

registerEnumType(CreativeFormatValue, {
  name: 'CreativeFormat',
  description: 'What a creative is made for: the description, one ad format, or the thumbnail.',
  valuesConfig: CREATIVE_FORMAT_DESCRIPTIONS,
});

/**
 * Fields every group of showings has; each object type below inherits them beside its key (the
 * class is not a type of its own in the schema: nothing returns it).
 */
@ObjectType({ description: 'Counts of a group of shown variants.' })
export class ShowingCounts {
  @Field(() => Int, { description: 'Times a variant of the group was chosen for a user (shown).' })
  impressions!: number;

  @Field(() => Int, {
    description:
      'Impressions with at least one click credited (an event carrying the creative id within the attribution window).',
  })
  clicks!: number;

  @Field(() => Int, {
    description: 'Impressions with an add to cart or a purchase credited.',
  })
  conversions!: number;

  @Field(() => Float, {
    description:
      "Sum of the impressions' rewards (GENERATION_REWARD_WEIGHTS, at most 1 an impression): what the bandit learns from.",
  })
  reward!: number;

  @Field(() => ExperimentRate, {
    description: 'Clicks per impression, with its 95% Wilson score interval.',
  })
  ctr!: ExperimentRate;

  @Field(() => ExperimentRate, {
    description: 'Conversions per impression, with its 95% Wilson score interval.',
  })
  conversionRate!: ExperimentRate;
}

@ObjectType('CreativeStats', {
  description: "One creative's figures: a variant (angle and format) of one item, across users.",
})
export class CreativeStatsView extends ShowingCounts {
  @Field(() => ID, { description: 'The creative id the graph serves on the variant.' })
  creativeId!: string;

  @Field(() => ID, { description: 'The item the creative is about.' })
  itemId!: string;

  @Field(() => CreativeFormatValue, { description: 'What the creative is made for.' })
  format!: CreativeFormat;

  @Field(() => CreativeAngleValue, { description: 'What the creative leads with.' })
  angle!: Angle;
}

@ObjectType('AngleStats', {
  description: "One angle's figures over every item (in the format and surface asked for).",
})
export class AngleStatsView extends ShowingCounts {
  @Field(() => CreativeAngleValue, { description: 'The angle.' })
  angle!: Angle;
}

@ObjectType('SurfaceStats', {
  description: "One surface's figures over every item and angle (in the format asked for).",
})
export class SurfaceStatsView extends ShowingCounts {
  @Field(() => String, {
    description:
      'Where the variants were shown, as in the bandit’s context bucket: the served list’s surface (`api` for a list asked without one), `any` for copy asked outside a list.',
  })
  surface!: string;
}
