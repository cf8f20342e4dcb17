// The executor's in-memory block store: LRU order (a Map's insertion order,
// refreshed on read), a byte budget, and eviction that never drops a block of
// the RDD being stored (Spark's rule, so an RDD does not evict itself).
import { BlockGroups } from "./blockGroups.js"
import { estimateArray } from "./sizeEstimator.js"

export type MemoryEntry =
  | { readonly kind: "values"; readonly values: ReadonlyArray<unknown>; readonly size: number }
  | { readonly kind: "bytes"; readonly bytes: Buffer; readonly size: number }

export class MemoryStore {
  private readonly entries = new Map<string, MemoryEntry>()
  private used = 0
  private readonly groups = new BlockGroups()

  constructor(
    readonly maxMemory: number,
    /** Called for each block evicted to make room; may spill it to disk. */
    private readonly onEvict: (blockName: string, entry: MemoryEntry) => void
  ) {}

  get memoryUsed(): number {
    return this.used
  }

  contains(blockName: string): boolean {
    return this.entries.has(blockName)
  }

  get(blockName: string): MemoryEntry | undefined {
    const entry = this.entries.get(blockName)
    if (entry !== undefined) {
      this.entries.delete(blockName)
      this.entries.set(blockName, entry)
    }
    return entry
  }

  putValues(blockName: string, values: ReadonlyArray<unknown>, owner: string | undefined): MemoryEntry | undefined {
    return this.put(blockName, { kind: "values", values, size: estimateArray(values) }, owner)
  }

  putBytes(blockName: string, bytes: Buffer, owner: string | undefined): MemoryEntry | undefined {
    return this.put(blockName, { kind: "bytes", bytes, size: bytes.length }, owner)
  }

  remove(blockName: string): boolean {
    const entry = this.entries.get(blockName)
    if (entry === undefined) return false
    this.entries.delete(blockName)
    this.groups.delete(blockName)
    this.used -= entry.size
    return true
  }

  blockNames(): Array<string> {
    return [...this.entries.keys()]
  }

  /** The blocks of one RDD or shuffle (`rdd_<id>`, `shuffle_<id>`). */
  blockNamesOf(group: string): Array<string> {
    return this.groups.namesOf(group)
  }

  clear(): void {
    this.entries.clear()
    this.groups.clear()
    this.used = 0
  }

  /** Stores an entry when it fits after evicting other owners' blocks; `undefined` when it cannot. */
  private put(blockName: string, entry: MemoryEntry, owner: string | undefined): MemoryEntry | undefined {
    this.remove(blockName)
    if (entry.size > this.maxMemory) return undefined
    if (this.used + entry.size > this.maxMemory && !this.evictFor(entry.size, owner)) return undefined
    this.entries.set(blockName, entry)
    this.groups.add(blockName)
    this.used += entry.size
    return entry
  }

  private evictFor(space: number, owner: string | undefined): boolean {
    const victims: Array<string> = []
    let freed = 0
    for (const [name, entry] of this.entries) {
      if (this.used - freed + space <= this.maxMemory) break
      if (owner !== undefined && ownerOf(name) === owner) continue
      victims.push(name)
      freed += entry.size
    }
    if (this.used - freed + space > this.maxMemory) return false
    for (const name of victims) {
      const entry = this.entries.get(name)!
      this.remove(name)
      this.onEvict(name, entry)
    }
    return true
  }
}

/** The RDD (or shuffle) a block belongs to: blocks of one owner never evict each other. */
export const ownerOf = (blockName: string): string | undefined => {
  const m = /^(rdd_\d+)_\d+$/.exec(blockName)
  return m === null ? undefined : m[1]
}
