import 'reflect-metadata';

import {
  ArgumentError,
  authorizeService,
  clientErrors,
  experimentNameProblem,
  type ExperimentRegistry,
  type ExperimentState,
  NotFoundError,
  type RequestContext,
} from '@tailor/kit';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';

import { experimentResults } from '../domain/experiments/results.js';
import type { ExperimentTally } from '../experiments/experiment-tally.js';
import { Experiment, ExperimentResultsView, ExperimentStatus } from './experiment.type.js';

/** A malformed name is BAD_USER_INPUT naming the argument; a well-formed unknown one is not. */
function checkName(name: string): string {
  const problem = experimentNameProblem(name);
  if (problem !== undefined) throw new ArgumentError('name', problem);
  return name;
}

function experimentOf(state: ExperimentState): Experiment {
  const { experiment } = state;
  return {
    name: experiment.name,
    description: experiment.description ?? null,
    status: state.running ? ExperimentStatus.RUNNING : ExperimentStatus.STOPPED,
    stoppedAt: state.stoppedAt === null ? null : new Date(state.stoppedAt),
    arms: experiment.arms.map((arm) => ({
      name: arm.name,
      description: arm.description ?? null,
      traffic: arm.traffic,
      settings: {
        mmrLambda: arm.settings.recommender?.mmrLambda ?? null,
        blendWeights: Object.entries(arm.settings.recommender?.blendWeights ?? {}).map(
          ([source, weight]) => ({ source, weight }),
        ),
        bandit: arm.settings.generation?.bandit ?? null,
      },
    })),
  };
}

@Resolver(() => Experiment)
export class ExperimentResolver {
  constructor(
    private readonly registry: ExperimentRegistry,
    /** Absent without a bus: results then count nobody. */
    private readonly tally: ExperimentTally | undefined,
  ) {}

  @Query(() => [Experiment], {
    description: `Every experiment defined in EXPERIMENTS, running or stopped, in the order defined.`,
  })
  experiments(): Experiment[] {
    return this.registry.list().map(experimentOf);
  }

  @Query(() => Experiment, {
    nullable: true,
    description:
      'One experiment by name; null when none has it. BAD_USER_INPUT for a name no experiment could have.',
  })
  experiment(
    @Arg('name', () => ID, { description: 'Experiment.name.' }) name: string,
  ): Experiment | null {
    return clientErrors(() => {
      const state = this.registry.get(checkName(name));
      return state === undefined ? null : experimentOf(state);
    });
  }

  @FieldResolver(() => ExperimentResultsView, {
    description:
      'Per-arm results from the logged exposures and the events after them: exposures, click-through, conversion and revenue with 95% intervals, each arm against the first, and a verdict only when a difference is significant. Service tokens only (FORBIDDEN otherwise): an arm of a few users would tell one user what others bought.',
  })
  async results(
    @Ctx() context: RequestContext,
    @Root() experiment: Experiment,
  ): Promise<ExperimentResultsView> {
    authorizeService(context.viewer, 'read the results of an experiment');
    const state = this.registry.get(experiment.name);
    if (state === undefined)
      throw new NotFoundError(`No experiment named ${JSON.stringify(experiment.name)}`);
    const results = (await this.tally?.results(experiment.name)) ?? {
      ...experimentResults(state.experiment.arms.map((arm) => ({ arm: arm.name, users: [] }))),
      impressionsNotCounted: 0,
    };
    return {
      ...results,
      arms: results.arms.map((arm) => ({
        ...arm,
        revenuePerUser: {
          mean: arm.revenuePerUser.estimate,
          low: arm.revenuePerUser.low,
          high: arm.revenuePerUser.high,
        },
      })),
    };
  }

  @Mutation(() => Experiment, {
    description:
      "Stops an experiment for every replica: its users get the services' own settings (the recommender within EXPERIMENTS_REFRESH_MS) and results count nothing after now. Stopping a stopped experiment changes nothing. BAD_USER_INPUT for a malformed name, NOT_FOUND for an unknown one, FORBIDDEN without a service token.",
  })
  async stopExperiment(
    @Ctx() context: RequestContext,
    @Arg('name', () => ID, { description: 'Experiment.name.' }) name: string,
  ): Promise<Experiment> {
    authorizeService(context.viewer, 'stop an experiment');
    const state = await this.registry.stop(clientErrors(() => checkName(name)));
    if (state === undefined) throw new NotFoundError(`No experiment named ${JSON.stringify(name)}`);
    return experimentOf(state);
  }
}
