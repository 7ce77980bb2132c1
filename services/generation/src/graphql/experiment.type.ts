import 'reflect-metadata';

import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import type { ExperimentMetric } from '../domain/experiments/results.js';

export enum ExperimentStatus {
  RUNNING = 'RUNNING',
  STOPPED = 'STOPPED',
}

registerEnumType(ExperimentStatus, {
  name: 'ExperimentStatus',
  description: 'Whether an experiment assigns users to its arms.',
  valuesConfig: {
    RUNNING: { description: "Users in its arms get their arm's settings and are counted." },
    STOPPED: {
      description:
        "Stopped (in its definition or by stopExperiment): everyone gets the services' own settings; results count nothing after the stop.",
    },
  },
});

/** The metrics as a GraphQL enum (`conversionRate` → `CONVERSION_RATE`). */
export const ExperimentMetricValue = {
  CTR: 'ctr',
  CONVERSION_RATE: 'conversionRate',
  REVENUE_PER_USER: 'revenuePerUser',
} as const satisfies Record<string, ExperimentMetric>;

registerEnumType(ExperimentMetricValue, {
  name: 'ExperimentMetric',
  description: 'What arms are compared on.',
  valuesConfig: {
    CTR: { description: 'Clicks on the arm’s lists per item shown (exposure).' },
    CONVERSION_RATE: {
      description: 'Share of exposed users who added to the cart or bought after exposure.',
    },
    REVENUE_PER_USER: { description: 'Sum of purchase values per exposed user.' },
  },
});

@ObjectType('BlendWeight', { description: "An arm's weight for one recommender source." })
export class BlendWeight {
  @Field(() => String, {
    description: 'The source: collaborative, content, popular, trending or newest.',
  })
  source!: string;

  @Field(() => Float, {
    description: 'Its weight in the blend (0 to 10), instead of the configured one.',
  })
  weight!: number;
}

@ObjectType('ArmSettings', {
  description: "What an arm changes; a null field leaves the service's own setting.",
})
export class ArmSettingsView {
  @Field(() => Float, { nullable: true, description: "MMR's λ of the recommender's lists." })
  mmrLambda!: number | null;

  @Field(() => [BlendWeight], {
    description: 'Blend weights that replace the configured ones; empty when none.',
  })
  blendWeights!: BlendWeight[];

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Whether generation's bandit chooses the copy variant (false: interest-led copy only).",
  })
  bandit!: boolean | null;
}

@ObjectType('ExperimentArm', { description: 'One arm of an experiment as defined.' })
export class ExperimentArm {
  @Field(() => ID, { description: 'The arm’s name, unique in its experiment.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the arm is for; null when not given.' })
  description!: string | null;

  @Field(() => Float, { description: 'Share of all users assigned to it by the stable hash.' })
  traffic!: number;

  @Field(() => ArmSettingsView, { description: 'What it sets.' })
  settings!: ArmSettingsView;
}

@ObjectType('ExperimentRate', { description: 'A rate with its 95% Wilson score interval.' })
export class ExperimentRate {
  @Field(() => Float, { description: 'Successes per trial, 0 without trials.' })
  rate!: number;

  @Field(() => Float, { description: 'Lower bound of the 95% interval.' })
  low!: number;

  @Field(() => Float, { description: 'Upper bound of the 95% interval.' })
  high!: number;
}

@ObjectType('ExperimentMean', {
  description: "A mean per user with its 95% normal interval (the sample's standard error).",
})
export class ExperimentMean {
  @Field(() => Float, { description: 'The mean.' })
  mean!: number;

  @Field(() => Float, { description: 'Lower bound of the 95% interval, at least 0.' })
  low!: number;

  @Field(() => Float, { description: 'Upper bound of the 95% interval.' })
  high!: number;
}

@ObjectType('ArmResult', { description: 'What one arm’s users did since their first exposure.' })
export class ArmResult {
  @Field(() => ID, { description: 'The arm.' })
  arm!: string;

  @Field(() => Int, { description: 'Users shown at least one list in the arm.' })
  users!: number;

  @Field(() => Int, { description: "Items shown in the arm's lists (logged impressions)." })
  exposures!: number;

  @Field(() => Int, { description: "Clicks naming one of the users' lists in the arm." })
  clicks!: number;

  @Field(() => ExperimentRate, { description: 'Clicks per exposure.' })
  ctr!: ExperimentRate;

  @Field(() => Int, { description: 'Users who added to the cart or bought after exposure.' })
  conversions!: number;

  @Field(() => ExperimentRate, { description: 'Converted users per exposed user.' })
  conversionRate!: ExperimentRate;

  @Field(() => Float, { description: "Sum of the users' purchase values after exposure." })
  revenue!: number;

  @Field(() => ExperimentMean, { description: 'Revenue per exposed user.' })
  revenuePerUser!: ExperimentMean;
}

@ObjectType('ArmComparison', {
  description: 'One arm against the baseline (the first arm) on one metric.',
})
export class ArmComparison {
  @Field(() => ExperimentMetricValue, { description: 'The metric compared.' })
  metric!: ExperimentMetric;

  @Field(() => ID, { description: 'The arm compared.' })
  arm!: string;

  @Field(() => ID, { description: 'The first arm of the experiment.' })
  baseline!: string;

  @Field(() => Float, { description: "The arm's value minus the baseline's." })
  difference!: number;

  @Field(() => String, { description: 'The test used, e.g. "two-proportion z-test over users".' })
  test!: string;

  @Field(() => Float, { description: 'The two-sided p-value.' })
  pValue!: number;

  @Field(() => Boolean, {
    description:
      'Whether the arms hold enough for the test: for a rate, at least 5 expected successes and 5 failures in each arm at the pooled rate; for revenue, at least 30 users in each arm.',
  })
  enoughData!: boolean;

  @Field(() => Boolean, {
    description: 'Enough data and p below ExperimentResults.alpha: a difference to act on.',
  })
  significant!: boolean;
}

@ObjectType('ExperimentResults', { description: 'Per-arm figures, comparisons and a verdict.' })
export class ExperimentResultsView {
  @Field(() => [ArmResult], { description: 'Every arm, in the order of the definition.' })
  arms!: ArmResult[];

  @Field(() => [ArmComparison], {
    description: 'Every arm after the first against the first, on each metric.',
  })
  comparisons!: ArmComparison[];

  @Field(() => Float, {
    description:
      'The level each p-value is held to: 0.05 divided by the number of comparisons (Bonferroni).',
  })
  alpha!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'Plain words on every significant difference, naming the test; null while no difference is significant.',
  })
  verdict!: string | null;

  @Field(() => Int, {
    description:
      'Impressions of users exposed after the first EXPERIMENTS_MAX_USERS, left out of every figure above (0 below the limit). Assignment does not depend on arrival, so the arms stay comparable.',
  })
  impressionsNotCounted!: number;
}

@ObjectType('Experiment', {
  description: 'An A/B experiment: arms of settings, users assigned by a stable hash of their id.',
})
export class Experiment {
  @Field(() => ID, { description: 'The experiment’s name, as in EXPERIMENTS.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it tests; null when not given.' })
  description!: string | null;

  @Field(() => ExperimentStatus, { description: 'Running or stopped.' })
  status!: ExperimentStatus;

  @Field(() => Date, {
    nullable: true,
    description:
      'When stopExperiment stopped it; null while running or when stopped in its definition.',
  })
  stoppedAt!: Date | null;

  @Field(() => [ExperimentArm], { description: 'Its arms; the first is the baseline.' })
  arms!: ExperimentArm[];
}
