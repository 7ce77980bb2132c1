/**
 * The offsets a consumer has handled, per partition, so a batch delivered again (a handler that
 * threw, a rebalance) is handled once: for state kept in memory beside an ephemeral
 * subscription, which commits nothing and so cannot lean on committed offsets.
 */
export class DeliveredOffsets {
  private readonly last = new Map<number, bigint>();

  /** True the first time this (partition, offset) or a later one is seen; records it. */
  first({ partition, offset }: { partition: number; offset: string }): boolean {
    const at = BigInt(offset);
    const last = this.last.get(partition);
    if (last !== undefined && at <= last) return false;
    this.last.set(partition, at);
    return true;
  }
}
