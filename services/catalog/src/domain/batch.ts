import { inputIdOf, ITEM_LIMITS, validateItem, type ValidItem } from './item.js';

/** One refused field of one item of a batch. */
export interface ItemInputError {
  /** Position of the item in the batch, from 0. */
  index: number;
  /** The item's id when it could be read. */
  itemId: string | null;
  field: string;
  message: string;
}

/** A valid item with its position in the batch. */
export interface IndexedItem {
  index: number;
  item: ValidItem;
}

export interface ValidatedBatch {
  /** In batch order. */
  valid: IndexedItem[];
  /** In batch order; an item may have several. */
  errors: ItemInputError[];
}

/** True when a batch of this size must be refused before any item is looked at. */
export function isBatchTooLarge(
  size: number,
  maxBatchSize: number = ITEM_LIMITS.maxBatchSize,
): boolean {
  return size > maxBatchSize;
}

/**
 * Validates every item of a batch on its own. An id given twice keeps its first occurrence and
 * refuses the later ones: which of two versions should win is not the service's guess to make.
 */
export function validateBatch(inputs: readonly unknown[]): ValidatedBatch {
  const valid: IndexedItem[] = [];
  const errors: ItemInputError[] = [];
  const firstIndexById = new Map<string, number>();
  inputs.forEach((input, index) => {
    const result = validateItem(input);
    if (!result.ok) {
      const itemId = inputIdOf(input);
      for (const error of result.errors) errors.push({ index, itemId, ...error });
      return;
    }
    const first = firstIndexById.get(result.item.id);
    if (first !== undefined) {
      errors.push({
        index,
        itemId: result.item.id,
        field: 'id',
        message: `id "${result.item.id}" is already used by item ${first} of this batch`,
      });
      return;
    }
    firstIndexById.set(result.item.id, index);
    valid.push({ index, item: result.item });
  });
  return { valid, errors };
}
