// The stage plans an executor has decoded, so that the tasks of a stage after
// the first one skip the plan's transfer and decoding (as Spark's executors
// keep a stage's broadcast task binary). Keyed by the plan id the driver gives
// each encoded stage attempt (unique in the driver's process, so two stages
// with equal-looking functions never share an entry), bounded by a count so
// that a streaming application running for days holds a few dozen stages at
// most. The driver keeps the same bounded record of what it sent each
// executor; an executor that evicted a plan the driver thinks it has asks for
// it again (`PlanMissing`).

import { BoundedLru } from "../util/boundedLru.js"

/** Stages an executor keeps decoded (and the driver remembers having sent it). */
export const defaultStagePlanCapacity = 32

/** Where a cached stage came from: a new attempt of the same stage replaces the older ones. */
export interface StageAttempt {
  readonly stageId: number
  readonly stageAttemptId: number
}

/** Decoded stages by plan id, with hit and miss counts (for tests and metrics). */
export class StagePlanCache<D> {
  private readonly stages: BoundedLru<number, { readonly attempt: StageAttempt; readonly decoded: D }>
  private hitCount = 0
  private missCount = 0

  constructor(capacity: number = defaultStagePlanCapacity) {
    this.stages = new BoundedLru(capacity)
  }

  get size(): number {
    return this.stages.size
  }

  /** How many `get`s found their stage. */
  get hits(): number {
    return this.hitCount
  }

  /** How many `get`s did not find their stage. */
  get misses(): number {
    return this.missCount
  }

  has(planId: number): boolean {
    return this.stages.has(planId)
  }

  /** The decoded stage of `planId`, counting a hit or a miss. */
  get(planId: number): D | undefined {
    const entry = this.stages.get(planId)
    if (entry === undefined) this.missCount++
    else this.hitCount++
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
