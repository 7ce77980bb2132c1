import 'reflect-metadata';

import { join } from 'node:path';

import {
  buildFederatedSchema,
  type GatewayTrustConfig,
  type Logger,
  startSubgraph,
  type VectorStore,
} from '@tailor/kit';
import type { GraphQLSchema } from 'graphql';

import type { GenerationConfig } from './config.js';
import { GenerationService } from './generation.service.js';
import { itemReferenceResolvers } from './graphql/item.reference.js';
import { ItemResolver } from './graphql/item.resolver.js';
import { Item } from './graphql/item.type.js';
import { recommendationReferenceResolvers } from './graphql/recommendation.reference.js';
import { RecommendationResolver } from './graphql/recommendation.resolver.js';
import { Recommendation } from './graphql/recommendation.type.js';
import { SettingsResolver, SettingsSource } from './graphql/settings.resolver.js';
import { createGenerationMetrics, type GenerationMetrics } from './metrics.js';
import { createResvgRenderer } from './thumbnails/renderer.js';
import { mountThumbnailRoute, THUMBNAILS_ROUTE } from './thumbnails/thumbnail.route.js';
import { ThumbnailService } from './thumbnails/thumbnail.service.js';
import { ThumbnailStore } from './thumbnails/thumbnail-store.js';
import { CopyWriter } from './writers/copy-writer.js';
import { OpenAiWriter } from './writers/openai-writer.js';

export {
  DEFAULT_GENERATION_PORT,
  type GenerationConfig,
  generationEnvShape,
  STRUCTURED_OUTPUT_MODES,
  type StructuredOutputMode,
} from './config.js';
export { adText, chooseAd, chooseDescription } from './domain/chooser.js';
export { AD_FORMATS, AD_LIMITS, type AdFormat, DESCRIPTION_WORDS } from './domain/copy.js';
export { type ItemFacts, itemFactsFromPayload } from './domain/facts.js';
export {
  type InterestSummary,
  type LikedItem,
  likedItemIds,
  NO_INTERESTS,
  summarizeInterests,
} from './domain/interests.js';
export { PROMPT_VERSION } from './domain/prompt.js';
export { templateAd, templateDescription } from './domain/template.js';
export { THUMBNAIL_LIMITS, thumbnailTagline } from './domain/thumbnail.js';
export { THUMBNAILS_ROUTE } from './thumbnails/thumbnail.route.js';

/** What the generation subgraph needs. */
export interface GenerationDeps {
  config: GenerationConfig & GatewayTrustConfig;
  logger: Logger;
  /** Where items and profiles are read from; owned by the caller and never closed here. */
  store: VectorStore;
  /**
   * Base of thumbnail URLs when `GENERATION_PUBLIC_BASE_URL` is unset, read per request: the
   * embedded mesh points it at its gateway, which passes `/thumbnails` through. Without either,
   * URLs point at this service itself.
   */
  publicBaseUrl?: () => string;
}

/** A running generation subgraph. */
export interface RunningGeneration {
  /** `http://host:port/graphql`; thumbnails are under `/thumbnails/` on the same origin. */
  url: string;
  port: number;
  /** Stops the server; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

interface Parts {
  generation: GenerationService;
  settings: SettingsSource;
  store: ThumbnailStore;
  thumbnails: ThumbnailService;
}

function createParts(
  deps: GenerationDeps,
  metrics: GenerationMetrics,
  publicBaseUrl: () => string,
): Parts {
  const { config, logger } = deps;
  const llm =
    config.GENERATION_PROVIDER === 'openai'
      ? new OpenAiWriter({
          baseUrl: config.OPENAI_BASE_URL,
          apiKey: config.OPENAI_API_KEY,
          model: config.OPENAI_MODEL,
          timeoutMs: config.GENERATION_TIMEOUT_MS,
          maxRetries: config.GENERATION_MAX_RETRIES,
          retryInitialDelayMs: config.GENERATION_RETRY_INITIAL_DELAY_MS,
          concurrency: config.GENERATION_CONCURRENCY,
          structuredOutput: config.GENERATION_STRUCTURED_OUTPUT,
          maxOutputTokens: config.GENERATION_MAX_OUTPUT_TOKENS,
          logger,
          onUsage: (usage) =>
            metrics.llmTokens(usage.kind, usage.promptTokens, usage.completionTokens),
        })
      : undefined;
  const writer = new CopyWriter({ ...(llm === undefined ? {} : { llm }), metrics });
  const store = new ThumbnailStore({
    dir: config.GENERATION_THUMBNAIL_DIR ?? join(config.DATA_DIR, 'thumbnails'),
    maxMemoryBytes: config.GENERATION_THUMBNAIL_CACHE_MAX_BYTES,
    maxDiskBytes: config.GENERATION_THUMBNAIL_DISK_MAX_BYTES,
    renderer: createResvgRenderer(),
    logger,
  });
  const thumbnails: ThumbnailService = new ThumbnailService({
    store,
    publicBaseUrl,
    imageDir: config.GENERATION_IMAGE_DIR,
    // Called per request, long after `generation` below exists.
    itemFacts: (itemId) => generation.itemFacts(itemId),
  });
  const generation: GenerationService = new GenerationService({
    store: deps.store,
    writer,
    thumbnails,
    metrics,
    logger,
    cacheMaxEntries: config.GENERATION_CACHE_MAX_ENTRIES,
    fallbackCacheTtlMs: config.GENERATION_FALLBACK_CACHE_TTL_MS,
    requestBudgetMs: config.GENERATION_REQUEST_BUDGET_MS,
    cacheTtlMs: config.GENERATION_CACHE_TTL_MS,
    jobBudgetMs: config.GENERATION_JOB_BUDGET_MS,
    concurrency: config.GENERATION_CONCURRENCY,
    queueMaxJobs: config.GENERATION_QUEUE_MAX_JOBS,
  });
  return { generation, settings: new SettingsSource(writer.identity), store, thumbnails };
}

async function schemaOf(parts: Parts): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>([
    [RecommendationResolver, new RecommendationResolver(parts.generation)],
    [ItemResolver, new ItemResolver(parts.generation)],
    [SettingsResolver, new SettingsResolver(parts.settings)],
  ]);
  return buildFederatedSchema(
    {
      resolvers: [RecommendationResolver, ItemResolver, SettingsResolver],
      // Entities reached only through `_entities`, never from Query: type-graphql needs telling.
      orphanedTypes: [Recommendation, Item],
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

/** The generation subgraph schema (the supergraph compose script prints it). */
export async function buildGenerationSchema(deps: GenerationDeps): Promise<GraphQLSchema> {
  return schemaOf(createParts(deps, createGenerationMetrics(), () => 'http://127.0.0.1'));
}

/**
 * Starts the generation subgraph: `Recommendation.description/ad/thumbnail` and the `Item`
 * fields on `/graphql`, thumbnails on `GET /thumbnails/<sha256>.png`.
 */
export async function startGeneration(
  deps: GenerationDeps & { host: string; port: number },
): Promise<RunningGeneration> {
  const metrics = createGenerationMetrics();
  const configured = deps.config.GENERATION_PUBLIC_BASE_URL?.replace(/\/+$/, '');
  // Without a configured base, URLs point at this server, whose port is known only once bound.
  let ownOrigin = '';
  const publicBaseUrl = () => configured ?? deps.publicBaseUrl?.().replace(/\/+$/, '') ?? ownOrigin;
  const parts = createParts(deps, metrics, publicBaseUrl);
  const subgraph = await startSubgraph({
    name: 'generation',
    schema: await schemaOf(parts),
    logger: deps.logger,
    host: deps.host,
    port: deps.port,
    gatewaySecret: deps.config.GATEWAY_SHARED_SECRET,
    routes: (app, registry) => {
      metrics.register(registry);
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
    close: async () => {
      parts.generation.close();
      await subgraph.close();
    },
  };
}
