// The reference walk behind ContextCleaner.cleanupForgotten: what the live RDDs
// still reach (RDD ids, shuffle ids, checkpoint directories), and what the
// forgotten RDDs reach that no live RDD does. Iterative (lineages of stateful
// streams are hundreds of RDDs deep) and linear in the RDDs visited.
import type { RDD } from "../../rdd/RDD.js"
import * as StorageLevel from "../../storage/StorageLevel.js"

export interface Reachable {
  readonly rddIds: Set<number>
  readonly shuffleIds: Set<number>
  readonly checkpointDirs: Set<string>
}

/** Everything the live RDDs reach; a written checkpoint ends a lineage (its parents are dropped). */
export const reachableFrom = (live: Iterable<RDD<unknown>>): Reachable => {
  const reached: Reachable = { rddIds: new Set(), shuffleIds: new Set(), checkpointDirs: new Set() }
  const stack: Array<RDD<unknown>> = [...live]
  for (let rdd = stack.pop(); rdd !== undefined; rdd = stack.pop()) {
    if (reached.rddIds.has(rdd.id)) continue
    reached.rddIds.add(rdd.id)
    const dir = rdd.checkpointDirectory
    if (dir !== undefined) reached.checkpointDirs.add(dir)
    for (const dep of rdd.dependencies) {
      if (dep._tag === "Shuffle") reached.shuffleIds.add(dep.shuffleId)
      stack.push(dep.rdd)
    }
  }
  return reached
}

export interface Unreferenced {
  /** Persisted RDDs among the forgotten ones themselves. */
  readonly rddIds: Array<number>
  readonly shuffleIds: Array<number>
  readonly checkpointDirs: Array<string>
}

/**
 * What the forgotten RDDs' lineages hold that the live ones do not. The walk
 * does not enter an RDD that is live, nor one persisted by someone else (a
 * cached RDD the application keeps, whose lineage is its own); only the
 * forgotten RDDs themselves are unpersisted.
 */
export const unreferenced = (forgotten: ReadonlyArray<RDD<unknown>>, live: Reachable): Unreferenced => {
  const result: Unreferenced = { rddIds: [], shuffleIds: [], checkpointDirs: [] }
  const forgottenIds = new Set<number>()
  for (const rdd of forgotten) forgottenIds.add(rdd.id)
  const visited = new Set<number>()
  const shuffles = new Set<number>()
  const dirs = new Set<string>()
  const stack: Array<RDD<unknown>> = [...forgotten]
  for (let rdd = stack.pop(); rdd !== undefined; rdd = stack.pop()) {
    if (visited.has(rdd.id) || live.rddIds.has(rdd.id)) continue
    visited.add(rdd.id)
    const own = forgottenIds.has(rdd.id)
    if (!own && rdd.storageLevel !== StorageLevel.NONE) continue
    if (own && rdd.storageLevel !== StorageLevel.NONE) result.rddIds.push(rdd.id)
    const dir = rdd.checkpointDirectory
    if (dir !== undefined && !live.checkpointDirs.has(dir) && !dirs.has(dir)) {
      dirs.add(dir)
      result.checkpointDirs.push(dir)
    }
    for (const dep of rdd.dependencies) {
      if (dep._tag === "Shuffle" && !live.shuffleIds.has(dep.shuffleId) && !shuffles.has(dep.shuffleId)) {
        shuffles.add(dep.shuffleId)
        result.shuffleIds.push(dep.shuffleId)
      }
      stack.push(dep.rdd)
    }
  }
  return result
}
