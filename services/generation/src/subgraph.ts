// The generation subgraph's wiring: its services, resolvers, thumbnail route and schema on one
// server.
import 'reflect-metadata';

import { randomInt } from 'node:crypto';
import { join } from 'node:path';

import { buildFederatedSchema, ExperimentRegistry, seededRandom, startSubgraph } from '@tailor/kit';
import type { GraphQLSchema } from 'graphql';

import {
  type ChatEndpoint,
  type GenerationConfig,
  llmLimits,
  openAiWriterOptions,
} from './config.js';
import type { GenerationDeps } from './deps.js';
import { checkBanditSettings } from './domain/loop/bandit.js';
import { ExperimentTally } from './experiments/experiment-tally.js';
import { GenerationService } from './generation.service.js';
import { CreativeStatsResolver } from './graphql/creative-stats.resolver.js';
import { ExperimentResolver } from './graphql/experiment.resolver.js';
import { itemReferenceResolvers } from './graphql/item.reference.js';
import { ItemResolver } from './graphql/item.resolver.js';
import { recommendationReferenceResolvers } from './graphql/recommendation.reference.js';
import { RecommendationResolver } from './graphql/recommendation.resolver.js';
import { GENERATION_SCHEMA_CLASSES } from './graphql/schema.js';
import { SettingsResolver, SettingsSource } from './graphql/settings.resolver.js';
import { ItemReader } from './item-reader.js';
import {
  BanditEvidence,
  CreativeLoop,
  LogDecisionSink,
  TeeDecisionSink,
} from './loop/creative-loop.js';
import { BusDecisionSink } from './loop/decision-log.js';
import { RewardFeed } from './loop/reward-feed.js';
import { createGenerationMetrics, type GenerationMetrics } from './metrics.js';
import { createResvgRenderer } from './thumbnails/renderer.js';
import { mountThumbnailRoute } from './thumbnails/thumbnail.route.js';
import { ThumbnailService } from './thumbnails/thumbnail.service.js';
import { ThumbnailStore } from './thumbnails/thumbnail-store.js';
import { THUMBNAILS_ROUTE } from './thumbnails/thumbnail-url.js';
import { CopyWriter } from './writers/copy-writer.js';
import { type LocalLlmServer, startLocalLlmServer } from './writers/local-llm-server.js';
import { OpenAiWriter } from './writers/openai-writer.js';

/** A running generation subgraph. */
export interface RunningGeneration {
  /** `http://host:port/graphql`; thumbnails are under `/thumbnails/` on the same origin. */
  url: string;
  port: number;
  /** The llama.cpp server started for `GENERATION_PROVIDER=local`. */
  localLlm?: { baseUrl: string; pid: number };
  /** Stops the server (and a local LLM server); the store stays open (its owner closes it). */
  close(): Promise<void>;
}

interface Parts {
  generation: GenerationService;
  experiments: ExperimentRegistry;
  tally: ExperimentTally | undefined;
  feed: RewardFeed;
  decisionLog: BusDecisionSink | undefined;
  settings: SettingsSource;
  store: ThumbnailStore;
  thumbnails: ThumbnailService;
}

/** The chat API the LLM writer talks to: OPENAI_* settings, or the local server's. */
function chatEndpoint(config: GenerationConfig, local?: LocalLlmServer): ChatEndpoint | undefined {
  if (config.GENERATION_PROVIDER === 'openai') {
    return {
      baseUrl: config.OPENAI_BASE_URL,
      apiKey: config.OPENAI_API_KEY,
      model: config.OPENAI_MODEL,
    };
  }
  if (local !== undefined) return { baseUrl: local.baseUrl, apiKey: undefined, model: local.model };
  return undefined;
}

function createParts(
  deps: GenerationDeps,
  metrics: GenerationMetrics,
  publicBaseUrl: () => string,
  endpoint: ChatEndpoint | undefined,
): Parts {
  const { config, logger } = deps;
  const llm =
    endpoint !== undefined
      ? new OpenAiWriter(
          openAiWriterOptions(config, endpoint, {
            logger,
            onUsage: (usage) =>
              metrics.llmTokens(usage.kind, usage.promptTokens, usage.completionTokens),
          }),
        )
      : undefined;
  const writer = new CopyWriter({
    ...(llm === undefined ? {} : { llm }),
    metrics,
    correctionTurns: config.GENERATION_CORRECTION_TURNS === 0 ? 0 : 1,
  });
  const store = new ThumbnailStore({
    dir: config.GENERATION_THUMBNAIL_DIR ?? join(config.DATA_DIR, 'thumbnails'),
    maxMemoryBytes: config.GENERATION_THUMBNAIL_CACHE_MAX_BYTES,
    maxDiskBytes: config.GENERATION_THUMBNAIL_DISK_MAX_BYTES,
    renderer: createResvgRenderer(),
    logger,
  });
  // Both read items through one reader (and its facts cache): neither service calls the other.
  const items = new ItemReader(deps.store);
  const thumbnails = new ThumbnailService({
    store,
    publicBaseUrl,
    imageDir: config.GENERATION_IMAGE_DIR,
    items,
  });
  // Rewards need the events: without a bus the bandit learns from nothing but its choices, and
  // the stats count impressions only.
  // Choices go to the log every replica's bandit is rebuilt from.
  const decisionLog =
    deps.bus === undefined
      ? undefined
      : new BusDecisionSink({ bus: deps.bus, vault: deps.vault, logger });
  // One evidence for the loop's choices and the feed's rewards: both depend on it, so neither
  // needs the other to exist first.
  const settings = checkBanditSettings({
    minArmProbability: config.GENERATION_BANDIT_MIN_ARM_PROBABILITY,
    propensityDraws: config.GENERATION_BANDIT_PROPENSITY_DRAWS,
    priorStrength: config.GENERATION_BANDIT_PRIOR_STRENGTH,
    shopperPriorStrength: config.GENERATION_BANDIT_SHOPPER_PRIOR_STRENGTH,
  });
  const evidence = new BanditEvidence(settings, config.GENERATION_BANDIT_MAX_SHOPPERS);
  const feed = new RewardFeed({
    bus: deps.bus,
    impression: (decision, userId) => evidence.impression(decision, userId),
    reward: (decision, reward, userId) => evidence.reward(decision, reward, userId),
    shoppers: () => evidence.shoppers.held(),
    forgetShoppers: (userIds) => evidence.forgetShoppers(userIds),
    weights: config.GENERATION_REWARD_WEIGHTS,
    windowMs: config.GENERATION_ATTRIBUTION_WINDOW_MS,
    logger,
    vault: deps.vault,
  });
  const loop = new CreativeLoop({
    enabled: config.GENERATION_VARIANTS,
    settings,
    evidence,
    maxShoppers: config.GENERATION_BANDIT_MAX_SHOPPERS,
    random: seededRandom(config.GENERATION_BANDIT_SEED ?? randomInt(2 ** 32)),
    promptVersion: writer.identity.promptVersion,
    stickyMs: config.GENERATION_VARIANT_STICKY_MS,
    stickyMaxEntries: config.GENERATION_CACHE_MAX_ENTRIES,
    sink:
      decisionLog === undefined
        ? (deps.decisions ?? new LogDecisionSink(logger))
        : new TeeDecisionSink(deps.decisions ?? new LogDecisionSink(logger), decisionLog),
    onShown: (d, userId) => feed.shown(d, userId),
    logger,
  });
  // Arms are read from the same EXPERIMENTS as the recommender's; stops from the shared store.
  const experiments = new ExperimentRegistry({
    experiments: config.EXPERIMENTS,
    store: deps.store,
    refreshMs: config.EXPERIMENTS_REFRESH_MS,
    logger,
  });
  const tally =
    deps.bus === undefined
      ? undefined
      : new ExperimentTally({
          bus: deps.bus,
          experiments,
          logger,
          maxUsers: config.EXPERIMENTS_MAX_USERS,
          ...(deps.vault === undefined ? {} : { vault: deps.vault }),
        });
  const generation = new GenerationService({
    store: deps.store,
    items,
    writer,
    thumbnails,
    metrics,
    logger,
    cacheMaxEntries: config.GENERATION_CACHE_MAX_ENTRIES,
    fallbackCacheTtlMs: config.GENERATION_FALLBACK_CACHE_TTL_MS,
    requestBudgetMs: config.GENERATION_REQUEST_BUDGET_MS,
    cacheTtlMs: config.GENERATION_CACHE_TTL_MS,
    jobBudgetMs: config.GENERATION_JOB_BUDGET_MS,
    concurrency: llmLimits(config).concurrency,
    queueMaxJobs: config.GENERATION_QUEUE_MAX_JOBS,
    loop,
    experiments,
  });
  return {
    generation,
    experiments,
    tally,
    feed,
    decisionLog,
    settings: new SettingsSource(writer.identity),
    store,
    thumbnails,
  };
}

async function schemaOf(parts: Parts): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>([
    [RecommendationResolver, new RecommendationResolver(parts.generation)],
    [ItemResolver, new ItemResolver(parts.generation)],
    [SettingsResolver, new SettingsResolver(parts.settings)],
    [ExperimentResolver, new ExperimentResolver(parts.experiments, parts.tally)],
    [CreativeStatsResolver, new CreativeStatsResolver(parts.feed)],
  ]);
  return buildFederatedSchema(
    {
      ...GENERATION_SCHEMA_CLASSES,
      container: {
        get: (cls: unknown) => {
          const instance = instances.get(cls);
          if (instance === undefined)
            throw new Error(`no instance of ${String(cls)} in the generation container`);
          return instance;
        },
      },
    },
    { ...recommendationReferenceResolvers(), ...itemReferenceResolvers() },
  );
}

/**
 * Starts the generation subgraph: `Recommendation.description/ad/thumbnail` and the `Item`
 * fields on `/graphql`, thumbnails on `GET /thumbnails/<sha256>.png`. With
 * `GENERATION_PROVIDER=local` it first starts its own llama.cpp server, and stops it on close.
 */
export async function startGeneration(
  deps: GenerationDeps & { host: string; port: number },
): Promise<RunningGeneration> {
  const { config } = deps;
  const local =
    config.GENERATION_PROVIDER === 'local'
      ? await startLocalLlmServer({
          modelPath: config.GENERATION_LOCAL_MODEL_PATH,
          venvDir: config.GENERATION_LOCAL_VENV,
          threads: config.GENERATION_LOCAL_THREADS,
          contextTokens: config.GENERATION_LOCAL_CONTEXT_TOKENS,
          startTimeoutMs: config.GENERATION_LOCAL_START_TIMEOUT_MS,
          logger: deps.logger,
        })
      : undefined;
  try {
    return await startWithWriter(deps, local);
  } catch (err) {
    await local?.stop();
    throw err;
  }
}

async function startWithWriter(
  deps: GenerationDeps & { host: string; port: number },
  local: LocalLlmServer | undefined,
): Promise<RunningGeneration> {
  const metrics = createGenerationMetrics();
  const configured = deps.config.GENERATION_PUBLIC_BASE_URL?.replace(/\/+$/, '');
  // Without a configured base, URLs point at this server, whose port is known only once bound.
  let ownOrigin = '';
  const publicBaseUrl = () => configured ?? deps.publicBaseUrl?.().replace(/\/+$/, '') ?? ownOrigin;
  const parts = createParts(deps, metrics, publicBaseUrl, chatEndpoint(deps.config, local));
  await parts.experiments.start();
  await parts.tally?.start();
  await parts.feed.start();
  const subgraph = await startSubgraph({
    name: 'generation',
    schema: await schemaOf(parts),
    logger: deps.logger,
    host: deps.host,
    port: deps.port,
    gatewaySecret: deps.config.GATEWAY_SHARED_SECRET,
    routes: (app, registry) => {
      metrics.register(registry);
      metrics.creativeStats(() => parts.feed.stats.cells());
      mountThumbnailRoute(
        app,
        parts.store,
        (recipe) => parts.thumbnails.redraw(recipe),
        deps.logger,
      );
    },
  });
  ownOrigin = `http://${deps.host.includes(':') ? `[${deps.host}]` : deps.host}:${subgraph.port}`;
  deps.logger.info(
    {
      component: 'generation',
      provider: parts.settings.writer.provider,
      thumbnails: `${publicBaseUrl() || '(the gateway)'}${THUMBNAILS_ROUTE}/`,
    },
    'generation ready',
  );
  return {
    url: subgraph.url,
    port: subgraph.port,
    ...(local === undefined ? {} : { localLlm: { baseUrl: local.baseUrl, pid: local.pid } }),
    close: async () => {
      parts.generation.close();
      await subgraph.close();
      await parts.tally?.stop();
      await parts.decisionLog?.settled();
      await parts.feed.stop();
      // After the server: no request is left that could still be waiting on the model.
      await local?.stop();
    },
  };
}
