// What bounds the status store: the spark.ui.retained* settings, and the
// trimming of finished entries, oldest first, past them.
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
