// What bounds the status store: the spark.ui.retained* settings, and the
// trimming of finished entries, oldest first, past them. Trimming runs on
// every job, stage and executor end, so it must not scan what is kept: with
// Spark's default of 1,000 retained jobs and stages a scan per event doubled
// the cost of a small job.
/** The settings that bound what is kept, by their keys. */
export const limits = {
  retainedJobs: ["spark.ui.retainedJobs", 1000],
  retainedStages: ["spark.ui.retainedStages", 1000],
  retainedTasks: ["spark.ui.retainedTasks", 100_000],
  retainedDeadExecutors: ["spark.ui.retainedDeadExecutors", 100]
} as const

export type Limits = { readonly [K in keyof typeof limits]: number }

export const stageKey = (stageId: number, attemptId: number) => `${stageId}.${attemptId}`

/** Deletes the oldest finished entries of `map` (insertion order) while more than `limit` are finished. */
export const trimFinished = <K, V>(map: Map<K, V>, finished: (value: V) => boolean, limit: number): void => {
  let count = 0
  for (const value of map.values()) if (finished(value)) count++
  for (const [key, value] of map) {
    if (count <= limit) return
    if (finished(value)) {
      map.delete(key)
      count--
    }
  }
}

/**
 * The finished entries of a map in the order they finished (Spark deletes the
 * oldest finished first): past `limit`, the oldest are removed through
 * `remove`, which deletes the entry and what hangs off it. O(1) per event.
 */
export class FinishedEntries<K> {
  private readonly order = new Set<K>()

  constructor(private readonly limit: number, private readonly remove: (key: K) => void) {}

  /** `key` finished (again: it becomes the newest). Removes the oldest past the limit. */
  finished(key: K): void {
    this.order.delete(key)
    this.order.add(key)
    while (this.order.size > this.limit) {
      const oldest = this.order.values().next().value as K
      this.order.delete(oldest)
      this.remove(oldest)
    }
  }

  /** `key` runs again (an executor id registered anew): it is no longer counted as finished. */
  unfinished(key: K): void {
    this.order.delete(key)
  }
}
