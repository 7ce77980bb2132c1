export {
  createLocalEmbedder,
  type LocalEmbedderOptions,
  MINILM_DIMENSION,
  MINILM_MAX_TOKENS,
  MINILM_MODEL,
  missingModelFiles,
  ModelFilesMissingError,
} from './local-embedder.js';
export {
  createOpenAiEmbedder,
  EmbeddingApiError,
  type OpenAiEmbedderOptions,
} from './openai-embedder.js';
