// The stage plans an executor has decoded, so that the tasks of a stage after
// the first one skip the plan's transfer and decoding (as Spark's executors
// keep a stage's broadcast task binary). Keyed by the plan id the driver gives
// each encoded stage attempt (unique in the driver's process, so two stages
// with equal-looking functions never share an entry), bounded by a count so
// that a streaming application running for days holds a few dozen stages at
// most. The driver keeps the same bounded record of what it sent each
// executor; an executor that evicted a plan the driver thinks it has asks for
// it again (`PlanMissing`).

/** Stages an executor keeps decoded (and the driver remembers having sent it). */
export const defaultStagePlanCapacity = 32

/** A map that keeps its `capacity` most recently used keys (a Map iterates in insertion order). */
export class BoundedLru<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`)
  }

  get size(): number {
    return this.entries.size
  }

  has(key: K): boolean {
    return this.entries.has(key)
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key)
    if (value === undefined) return undefined
    this.entries.delete(key)
    this.entries.set(key, value)
    return value
  }

  /** The value of `key`, leaving the order of use as it is. */
  peek(key: K): V | undefined {
    return this.entries.get(key)
  }

  /** Sets `key` as the most recently used; returns the keys evicted to stay within capacity. */
  set(key: K, value: V): Array<K> {
    this.entries.delete(key)
    this.entries.set(key, value)
    const evicted: Array<K> = []
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break
      this.entries.delete(oldest)
      evicted.push(oldest)
    }
    return evicted
  }

  delete(key: K): boolean {
    return this.entries.delete(key)
  }

  keys(): IterableIterator<K> {
    return this.entries.keys()
  }

  clear(): void {
    this.entries.clear()
  }
}

/** Where a cached stage came from: a new attempt of the same stage replaces the older ones. */
export interface StageAttempt {
  readonly stageId: number
  readonly stageAttemptId: number
}

/** Decoded stages by plan id, with hit and miss counts (for tests and metrics). */
export class StagePlanCache<D> {
  private readonly stages: BoundedLru<number, { readonly attempt: StageAttempt; readonly decoded: D }>
  hits = 0
  misses = 0

  constructor(capacity: number = defaultStagePlanCapacity) {
    this.stages = new BoundedLru(capacity)
  }

  get size(): number {
    return this.stages.size
  }

  has(planId: number): boolean {
    return this.stages.has(planId)
  }

  /** The decoded stage of `planId`, counting a hit or a miss. */
  get(planId: number): D | undefined {
    const entry = this.stages.get(planId)
    if (entry === undefined) this.misses++
    else this.hits++
    return entry?.decoded
  }

  /**
   * Keeps `decoded` for `planId`. Older attempts of the same stage are dropped
   * (their tasks are not run again), and the least recently used stages beyond
   * the capacity are evicted. Returns the plan ids dropped.
   */
  put(planId: number, attempt: StageAttempt, decoded: D): Array<number> {
    const dropped: Array<number> = []
    for (const id of [...this.stages.keys()]) {
      const other = this.stages.peek(id)!
      if (id !== planId && other.attempt.stageId === attempt.stageId && other.attempt.stageAttemptId < attempt.stageAttemptId) {
        this.stages.delete(id)
        dropped.push(id)
      }
    }
    return [...dropped, ...this.stages.set(planId, { attempt, decoded })]
  }

  /** Drops every stage (the executor is short of memory, or stops). */
  clear(): void {
    this.stages.clear()
  }
}
