import { z } from 'zod';

/**
 * Most experiments defined at once: every running one tags the impressions of its users with a
 * context entry (`experiment.<name>`), and an event has room for 16 context entries, 3 of them
 * already taken by the recommender.
 */
export const MAX_EXPERIMENTS = 8;
/** Most arms of one experiment. */
export const MAX_ARMS = 8;
/**
 * Longest experiment name: `experiment.` plus the name must fit an event's context key (64
 * characters).
 */
export const MAX_EXPERIMENT_NAME_LENGTH = 40;
/** Prefix of the impression context key that names a user's arm of an experiment. */
export const EXPOSURE_CONTEXT_PREFIX = 'experiment.';
/**
 * The recommender's blend sources an arm may weigh differently. The recommender's own names:
 * a source it does not know would be a setting that does nothing.
 */
export const EXPERIMENT_BLEND_SOURCES = [
  'collaborative',
  'content',
  'popular',
  'trending',
  'newest',
] as const;
export type ExperimentBlendSource = (typeof EXPERIMENT_BLEND_SOURCES)[number];
/** Largest blend weight an arm may set, as for the recommender's own weight settings. */
export const MAX_ARM_BLEND_WEIGHT = 10;

const SLUG = /^[a-z0-9][a-z0-9_-]*$/;

const slug = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(SLUG, `${what} must be lower-case letters, digits, - and _`);

/**
 * Why `name` cannot name any experiment (a client's argument), or undefined when it could: the
 * same rule as in EXPERIMENTS, so a malformed name is the client's mistake, not an unknown one.
 */
export function experimentNameProblem(name: string): string | undefined {
  const parsed = slug('name', MAX_EXPERIMENT_NAME_LENGTH).safeParse(name);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

const blendWeight = z
  .number({ error: `expected a number from 0 to ${MAX_ARM_BLEND_WEIGHT}` })
  .min(0, `expected a number from 0 to ${MAX_ARM_BLEND_WEIGHT}`)
  .max(MAX_ARM_BLEND_WEIGHT, `expected a number from 0 to ${MAX_ARM_BLEND_WEIGHT}`);

/** What an arm changes. Every setting is optional: unset, the service's own setting applies. */
export const ArmSettingsSchema = z
  .object({
    recommender: z
      .object({
        mmrLambda: z
          .number({ error: 'expected a number from 0 to 1' })
          .min(0, 'expected a number from 0 to 1')
          .max(1, 'expected a number from 0 to 1')
          .optional()
          .describe("MMR's λ for this arm's lists: 1 ranks by score alone."),
        blendWeights: z
          .partialRecord(z.enum(EXPERIMENT_BLEND_SOURCES), blendWeight)
          .optional()
          .describe("Blend weights of the recommender's sources, replacing the configured ones."),
      })
      .strict()
      .optional(),
    generation: z
      .object({
        bandit: z
          .boolean({ error: 'expected true or false' })
          .optional()
          .describe('false: the interest-led copy only, no variant chosen by the bandit.'),
      })
      .strict()
      .optional(),
  })
  .strict();

export const ArmSchema = z
  .object({
    name: slug('arm name', 40),
    description: z.string().max(500, 'description must be at most 500 characters').optional(),
    traffic: z
      .number({ error: 'traffic must be a number greater than 0, at most 1' })
      .gt(0, 'traffic must be greater than 0')
      .max(1, 'traffic must be at most 1')
      .describe('Share of all users assigned to this arm.'),
    settings: ArmSettingsSchema.default({}),
  })
  .strict();

export const ExperimentSchema = z
  .object({
    name: slug('experiment name', MAX_EXPERIMENT_NAME_LENGTH),
    description: z.string().max(500, 'description must be at most 500 characters').optional(),
    arms: z
      .array(ArmSchema, { error: 'arms must be a list' })
      .min(2, 'an experiment needs at least 2 arms')
      .max(MAX_ARMS, `an experiment has at most ${MAX_ARMS} arms`),
    stopped: z.boolean({ error: 'stopped must be true or false' }).default(false),
  })
  .strict()
  .superRefine((experiment, ctx) => {
    const names = new Set<string>();
    experiment.arms.forEach((arm, index) => {
      if (names.has(arm.name))
        ctx.addIssue({
          code: 'custom',
          path: ['arms', index, 'name'],
          message: `arm name ${JSON.stringify(arm.name)} is used twice`,
        });
      names.add(arm.name);
    });
    const total = experiment.arms.reduce((sum, arm) => sum + arm.traffic, 0);
    // Float sums of shares such as 0.1 + 0.2 overshoot by an ulp or so.
    if (total > 1 + 1e-9)
      ctx.addIssue({
        code: 'custom',
        path: ['arms'],
        message: `the arms' traffic must sum to at most 1, got ${total}`,
      });
  });

export const ExperimentsSchema = z
  .array(ExperimentSchema, { error: 'expected a JSON list of experiments' })
  .max(MAX_EXPERIMENTS, `at most ${MAX_EXPERIMENTS} experiments`)
  .superRefine((experiments, ctx) => {
    const names = new Set<string>();
    // Which experiment set each setting first: two experiments that both set one would leave
    // a user in both with an arm of each and no way to say which one took effect.
    const owners = new Map<string, string>();
    experiments.forEach((experiment, index) => {
      if (names.has(experiment.name))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `experiment name ${JSON.stringify(experiment.name)} is used twice`,
        });
      names.add(experiment.name);
      const mine = new Set<string>();
      experiment.arms.forEach((arm, armIndex) => {
        for (const [path, key] of settingKeys(arm.settings)) {
          const owner = owners.get(key);
          if (owner !== undefined && owner !== experiment.name)
            ctx.addIssue({
              code: 'custom',
              path: [index, 'arms', armIndex, 'settings', ...path],
              message: `${key} is already set by experiment ${JSON.stringify(owner)}`,
            });
          mine.add(key);
        }
      });
      for (const key of mine) if (!owners.has(key)) owners.set(key, experiment.name);
    });
  });

export type ArmSettings = z.output<typeof ArmSettingsSchema>;
export type Arm = z.output<typeof ArmSchema>;
export type Experiment = z.output<typeof ExperimentSchema>;

/** The settings an arm sets, as (path inside `settings`, a name for messages). */
function settingKeys(settings: ArmSettings): [string[], string][] {
  const keys: [string[], string][] = [];
  if (settings.recommender?.mmrLambda !== undefined)
    keys.push([['recommender', 'mmrLambda'], 'recommender.mmrLambda']);
  for (const source of Object.keys(settings.recommender?.blendWeights ?? {}))
    keys.push([['recommender', 'blendWeights', source], `recommender.blendWeights.${source}`]);
  if (settings.generation?.bandit !== undefined)
    keys.push([['generation', 'bandit'], 'generation.bandit']);
  return keys;
}

/**
 * `EXPERIMENTS`: a JSON list of experiments (see the kit's README). Unset or empty: none. A bad
 * definition stops start-up naming the field, e.g. `EXPERIMENTS.0.arms.1.traffic`.
 */
export const experimentsEnv = z
  .string()
  .optional()
  .transform((value, ctx): unknown => {
    if (value === undefined || value.trim() === '') return [];
    try {
      return JSON.parse(value) as unknown;
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a JSON list of experiments: ${(err as Error).message}`,
      });
      return z.NEVER;
    }
  })
  .pipe(ExperimentsSchema);

/** The variables of experiments; the recommender and generation read the same ones. */
export const experimentsEnvShape = {
  EXPERIMENTS: experimentsEnv,
  /**
   * How long a stop written by another process (`stopExperiment`) may take to reach this one:
   * the stored stops are read again this often, never once per request.
   */
  EXPERIMENTS_REFRESH_MS: z.coerce
    .number({ error: 'expected a whole number from 100 to 3600000' })
    .int('expected a whole number from 100 to 3600000')
    .min(100, 'expected a whole number from 100 to 3600000')
    .max(3_600_000, 'expected a whole number from 100 to 3600000')
    .default(5_000),
};

/** Parses experiment definitions given as a value (a test, a file read by a command). */
export function parseExperiments(value: unknown): Experiment[] {
  return ExperimentsSchema.parse(value);
}
