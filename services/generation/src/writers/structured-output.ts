/**
 * How the LLM writer asks for JSON. `json_schema` sends the schema (OpenAI, vLLM, llama.cpp
 * server, recent Ollama) and falls back to plain prompting by itself when the server refuses
 * it; `json_object` asks only for "some JSON"; `none` relies on the prompt alone. Every answer
 * is parsed and validated whatever the mode.
 */
export const STRUCTURED_OUTPUT_MODES = ['json_schema', 'json_object', 'none'] as const;
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];
