/**
 * The offsets a consumer has handled, per partition, so a batch delivered again (a handler that
 * threw, a rebalance) is handled once: for state kept in memory beside an ephemeral
 * subscription, which commits nothing and so cannot lean on committed offsets.
 */
export class DeliveredOffsets {
  private readonly last = new Map<number, bigint>();

  /** True the first time this (partition, offset) or a later one is seen; records it. */
  first({ partition, offset }: { partition: number; offset: string }): boolean {
    if (!this.unseen({ partition, offset })) return false;
    this.last.set(partition, BigInt(offset));
    return true;
  }

  /**
   * True when this (partition, offset) is past every one recorded; records nothing. For a
   * handler that must finish a step that may fail (and so have the batch delivered again)
   * before it records the batch with {@link first}.
   */
  unseen({ partition, offset }: { partition: number; offset: string }): boolean {
    const last = this.last.get(partition);
    return last === undefined || BigInt(offset) > last;
  }
}
