// The generation service's public face: what the mesh, the tests, the benches and the tools
// import. reflect-metadata comes first: the resolver classes behind these modules are decorated
// as they load.
import 'reflect-metadata';

export {
  DEFAULT_GENERATION_PORT,
  type GenerationConfig,
  generationEnvShape,
  llmLimits,
  openAiWriterOptions,
} from './config.js';
export type { GenerationDeps } from './deps.js';
export {
  adText,
  chooseAd,
  chooseDescription,
  historyTitles,
  interestUsed,
  personalScore,
} from './domain/chooser.js';
export { AD_FORMATS, AD_LIMITS, type AdFormat, DESCRIPTION_WORDS } from './domain/copy.js';
export { type ItemFacts, itemFactsFromPayload } from './domain/facts.js';
export { checkAd, checkDescription, type GroundingResult } from './domain/grounding/check.js';
export {
  type InterestSummary,
  type LikedItem,
  likedItemIds,
  NO_INTERESTS,
  summarizeInterests,
} from './domain/interests.js';
export { type Angle, ANGLES, isAngle } from './domain/loop/angles.js';
export {
  attributeEvents,
  CONVERSION_TYPES,
  type CreativeStats,
  type Credit,
  type CreditableEvent,
  DEFAULT_ATTRIBUTION_WINDOW_MS,
  type Rate,
  type Shown,
  statsBy,
  wilson,
} from './domain/loop/attribution.js';
export {
  type ArmChoice,
  type ArmStats,
  type BanditSettings,
  type BetaParameters,
  BetaPosteriors,
  checkBanditSettings,
  chooseArm,
  type ContextPath,
  DEFAULT_BANDIT_SETTINGS,
  drawIndex,
} from './domain/loop/bandit.js';
export { betaSample, gammaSample } from './domain/loop/beta.js';
export { type ChoiceContext, contextBucket, MAX_BUCKET_PART_CHARS } from './domain/loop/context.js';
export {
  adCreativeFormat,
  type CreativeFormat,
  creativeId,
  type CreativeKey,
} from './domain/loop/creative.js';
export {
  type Interval,
  type LoggedDecision,
  type OffPolicyEstimate,
  offPolicyEstimate,
  type TargetPolicy,
  within,
  Z_95,
} from './domain/loop/off-policy.js';
export {
  checkRewardWeights,
  DEFAULT_REWARD_WEIGHTS,
  impressionReward,
  type RewardWeights,
} from './domain/loop/rewards.js';
export {
  DEFAULT_MAX_SHOPPERS,
  MAX_BUCKETS_PER_SHOPPER,
  ShopperEvidence,
  type ShopperEvidenceOptions,
} from './domain/loop/shoppers.js';
export {
  adPrompt,
  type ChatMessage,
  descriptionPrompt,
  type Prompt,
  PROMPT_VERSION,
} from './domain/prompt.js';
export { templateAd, templateDescription } from './domain/template.js';
export {
  chooseTagline,
  taglineCandidates,
  THUMBNAIL_LIMITS,
  thumbnailTagline,
} from './domain/thumbnail.js';
export {
  CreativeLoop,
  type DecisionSink,
  LogDecisionSink,
  MemoryDecisionSink,
  type VariantDecision,
} from './loop/creative-loop.js';
export { createGenerationMetrics, type GenerationMetrics } from './metrics.js';
export { type RunningGeneration, startGeneration } from './subgraph.js';
export { THUMBNAILS_ROUTE } from './thumbnails/thumbnail-url.js';
export {
  CopyWriter,
  type LabelledAd,
  type LabelledDescription,
  TEMPLATE_CHOSEN_REASON,
} from './writers/copy-writer.js';
export { FAILURE_REASONS, type FailureReason } from './writers/generation-failure.js';
export {
  type LocalLlmServer,
  type LocalLlmServerOptions,
  startLocalLlmServer,
} from './writers/local-llm-server.js';
export {
  type Completion,
  OpenAiWriter,
  type OpenAiWriterOptions,
  type TokenUsage,
} from './writers/openai-writer.js';
export { STRUCTURED_OUTPUT_MODES, type StructuredOutputMode } from './writers/structured-output.js';
