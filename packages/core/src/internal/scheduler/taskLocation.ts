// Task locations as strings, as RDDs give them (`preferredLocations`): a plain
// host, or Spark's `ExecutorCacheTaskLocation` form `executor_<host>_<id>` for
// one executor (a cached or received block lives there). The scheduler turns
// them into `TaskLocation`s; the executor form makes a task PROCESS_LOCAL on
// exactly that executor. Mirrors `org.apache.spark.scheduler.TaskLocation`.
import type { TaskLocation } from "../../scheduler/Task.js"

const EXECUTOR_PREFIX = "executor_"
/** Spark's `HDFSCacheTaskLocation` tag: a host all the same. */
const HDFS_CACHE_PREFIX = "hdfs_cache_"

/** `executor_<host>_<executorId>`: the string form of an executor-level location. */
export const executorLocation = (host: string, executorId: string): string => `${EXECUTOR_PREFIX}${host}_${executorId}`

/**
 * Parses a location string (Spark's `TaskLocation.apply(str)`). The host of an
 * executor form ends at its first `_` (host names have none); the rest is the
 * executor id, which may hold `_`.
 */
export const parseTaskLocation = (location: string): TaskLocation => {
  if (location.startsWith(EXECUTOR_PREFIX)) {
    const rest = location.slice(EXECUTOR_PREFIX.length)
    const split = rest.indexOf("_")
    if (split > 0 && split < rest.length - 1) return { host: rest.slice(0, split), executorId: rest.slice(split + 1) }
    return { host: location }
  }
  if (location.startsWith(HDFS_CACHE_PREFIX)) return { host: location.slice(HDFS_CACHE_PREFIX.length) }
  return { host: location }
}

/** A location whose host may still be in string form (the DAG scheduler wraps RDD strings as hosts). */
export const normalizeTaskLocation = (location: TaskLocation): TaskLocation =>
  location.executorId === undefined ? parseTaskLocation(location.host) : location
