import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

import {
  BertModel,
  BertTokenizer,
  env,
  mean_pooling,
  type Tensor,
} from '@huggingface/transformers';

/** What {@link createLocalEmbedder} hands the worker. */
export interface MiniLmWorkerData {
  modelDir: string;
  threads: number;
  maxTokens: number;
}

/** A request: embed these texts. */
export interface EmbedRequest {
  id: number;
  texts: string[];
}

/** A reply: the vectors of one request, row after row, or why there are none. */
export type EmbedReply =
  { id: number; vectors: Float32Array; dimension: number } | { id: number; error: string };

const { modelDir, threads, maxTokens } = workerData as MiniLmWorkerData;

// Local files only: a missing file must fail here, never reach out to a model hub.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(modelDir);

const tokenizer = new BertTokenizer(
  JSON.parse(readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8')) as object,
  // tokenizer.json carries the vocabulary and rules; these are the settings of
  // sentence-transformers' all-MiniLM-L6-v2 that it leaves out.
  {
    do_lower_case: true,
    model_max_length: maxTokens,
    tokenizer_class: 'BertTokenizer',
    pad_token: '[PAD]',
  },
);

const loading = BertModel.from_pretrained(path.basename(modelDir), {
  config: { model_type: 'bert', hidden_size: 384 } as never,
  subfolder: '',
  model_file_name: 'model',
  dtype: 'fp32',
  local_files_only: true,
  session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
});

async function embed(texts: string[]): Promise<{ vectors: Float32Array; dimension: number }> {
  const model = await loading;
  const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: maxTokens }) as {
    attention_mask: Tensor;
  };
  const output = (await model(inputs)) as { last_hidden_state: Tensor };
  // The model was trained for mean pooling over real tokens, then cosine: pool, L2-normalize.
  const pooled = mean_pooling(output.last_hidden_state, inputs.attention_mask).normalize(2, -1);
  const dimension = pooled.dims[1]!;
  return { vectors: new Float32Array(pooled.data as Float32Array), dimension };
}

parentPort!.on('message', (request: EmbedRequest) => {
  embed(request.texts).then(
    ({ vectors, dimension }) => {
      const reply: EmbedReply = { id: request.id, vectors, dimension };
      parentPort!.postMessage(reply, [vectors.buffer as ArrayBuffer]);
    },
    (err: unknown) => {
      const reply: EmbedReply = {
        id: request.id,
        error: err instanceof Error ? err.message : String(err),
      };
      parentPort!.postMessage(reply);
    },
  );
});
