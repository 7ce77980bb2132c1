/** Turns text into vectors of a fixed dimension; same text, same vector. */
export interface Embedder {
  /** Names the model so stored vectors can be traced to what made them. */
  readonly model: string;
  readonly dimension: number;
  /** One vector per text, in order. Vectors are L2-normalized. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Releases what the embedder holds (a worker, connections); absent when it holds nothing. */
  close?(): Promise<void>;
}
