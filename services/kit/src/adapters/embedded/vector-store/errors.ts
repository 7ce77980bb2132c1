import { TailorError } from '../../../errors.js';

/** Raised for input the store refuses; never worth retrying. */
export class VectorStoreError extends TailorError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}
