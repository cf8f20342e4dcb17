/**
 * The one walker over an RDD's lineage. The DAG scheduler (stages, missing
 * parents, preferred locations), task shipping (stage plans, slices read),
 * the backends (shuffles a task reads) and the executor (blocks a task reads)
 * all walk ancestors the same way: each RDD (or RDD partition) once, with
 * the option to stop at shuffle boundaries, to prune a branch, or to stop.
 *
 * Mirrors the `waitingForVisit` walks of `org.apache.spark.scheduler.DAGScheduler`.
 *
 * @since 0.1.0
 */
import { getParents, type ShuffleDependency } from "../rdd/Dependency.js"
import type { RDD } from "../rdd/RDD.js"

/**
 * What a visitor asks of the walk: nothing (go on into the parents),
 * `"prune"` (skip this RDD's parents) or `"stop"` (end the whole walk).
 *
 * Mirrors the walks of org.apache.spark.scheduler.DAGScheduler.
 *
 * **Example**
 * ```ts
 * forEachAncestor(rdd, (r) => (r.isCheckpointed ? "prune" : undefined))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Step = void | "prune" | "stop"

/**
 * Options of `forEachAncestor`.
 *
 * Mirrors the walks of org.apache.spark.scheduler.DAGScheduler.
 *
 * **Example**
 * ```ts
 * forEachAncestor(rdd, () => {}, { stopAtShuffles: true, onShuffle: (dep) => ids.push(dep.shuffleId) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface WalkOptions {
  /** Walk only narrow dependencies: the RDDs pipelined in one stage. Default false. */
  readonly stopAtShuffles?: boolean
  /** Hears every shuffle dependency of every visited RDD (in dependency order), before its parents are walked. */
  readonly onShuffle?: (dep: ShuffleDependency<RDD<unknown>>, child: RDD<unknown>) => void
}

/**
 * Visits `root` and its ancestors, each once, depth first with a stack as
 * Spark's DAGScheduler does (so stages are created in Spark's order).
 *
 * Mirrors the waitingForVisit walks of org.apache.spark.scheduler.DAGScheduler.
 *
 * **Example**
 * ```ts
 * const ids: Array<number> = []
 * forEachAncestor(rdd, (r) => void ids.push(r.id), { stopAtShuffles: true })
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const forEachAncestor = (
  root: RDD<unknown>,
  visit: (rdd: RDD<unknown>) => Step,
  options: WalkOptions = {}
): void => {
  const stopAtShuffles = options.stopAtShuffles === true
  const onShuffle = options.onShuffle
  const visited = new Set<number>()
  const stack = [root]
  while (stack.length > 0) {
    const rdd = stack.pop()!
    if (visited.has(rdd.id)) continue
    visited.add(rdd.id)
    const step = visit(rdd)
    if (step === "stop") return
    if (step === "prune") continue
    for (const dep of rdd.dependencies) {
      if (dep._tag === "Shuffle") {
        onShuffle?.(dep, rdd)
        if (stopAtShuffles) continue
      }
      stack.push(dep.rdd)
    }
  }
}

/**
 * Options of `forEachPartitionAncestor`.
 *
 * Mirrors DAGScheduler.getPreferredLocsInternal's walk.
 *
 * **Example**
 * ```ts
 * forEachPartitionAncestor(rdd, 0, () => {}, { onShuffle: (dep, _, p) => reads.push([dep.shuffleId, p]) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface PartitionWalkOptions {
  /** Hears every shuffle dependency a visited partition reads, with that partition (the reduce id). */
  readonly onShuffle?: (dep: ShuffleDependency<RDD<unknown>>, child: RDD<unknown>, partition: number) => void
}

/**
 * Visits the partition `partition` of `root` and the parent partitions it
 * reads through narrow dependencies, each (RDD, partition) once, depth first
 * in dependency order. Shuffle dependencies end the walk (a reduce partition
 * reads every map partition); `onShuffle` hears them.
 *
 * Mirrors DAGScheduler.getPreferredLocsInternal's walk over narrow dependencies.
 *
 * **Example**
 * ```ts
 * forEachPartitionAncestor(rdd, 0, (r, p) => r.storageLevel !== StorageLevel.NONE ? void blocks.push([r.id, p]) : undefined)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const forEachPartitionAncestor = (
  root: RDD<unknown>,
  partition: number,
  visit: (rdd: RDD<unknown>, partition: number) => Step,
  options: PartitionWalkOptions = {}
): void => {
  const onShuffle = options.onShuffle
  const visited = new Set<string>()
  const rdds: Array<RDD<unknown>> = [root]
  const partitions: Array<number> = [partition]
  while (rdds.length > 0) {
    const rdd = rdds.pop()!
    const p = partitions.pop()!
    const key = `${rdd.id}:${p}`
    if (visited.has(key)) continue
    visited.add(key)
    const step = visit(rdd, p)
    if (step === "stop") return
    if (step === "prune") continue
    const deps = rdd.dependencies
    if (onShuffle !== undefined) { for (const dep of deps) if (dep._tag === "Shuffle") onShuffle(dep, rdd, p) }
    // Pushed in reverse so that the first dependency's first parent is visited first.
    for (let d = deps.length - 1; d >= 0; d--) {
      const dep = deps[d]!
      if (dep._tag === "Shuffle") continue
      const parents = getParents(dep, p)
      for (let i = parents.length - 1; i >= 0; i--) {
        rdds.push(dep.rdd)
        partitions.push(parents[i]!)
      }
    }
  }
}

/**
 * The shuffle dependencies reached from `rdd` through narrow dependencies
 * only: the parents of the stage ending at `rdd`. Mirrors
 * `DAGScheduler.getShuffleDependencies`.
 *
 * **Example**
 * ```ts
 * const shuffleIds = shuffleDependencies(rdd).map((dep) => dep.shuffleId)
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const shuffleDependencies = (rdd: RDD<unknown>): Array<ShuffleDependency<RDD<unknown>>> => {
  const result: Array<ShuffleDependency<RDD<unknown>>> = []
  forEachAncestor(rdd, () => {}, { stopAtShuffles: true, onShuffle: (dep) => void result.push(dep) })
  return result
}

/**
 * How a node of the lineage tree was reached: the root, through a narrow
 * dependency, or through a shuffle dependency.
 *
 * Mirrors the walk of RDD.toDebugString.
 *
 * **Example**
 * ```ts
 * forEachLineageNode(rdd, (r, depth, edge) => console.log(edge, depth, r.id))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Edge = "root" | "narrow" | "shuffle"

/**
 * Visits the lineage as a tree, depth first in dependency order, without
 * merging shared ancestors (an RDD reached twice is shown twice), with the
 * number of shuffle boundaries crossed to reach each node: the shape of
 * `RDD.toDebugString`.
 *
 * Mirrors the walk of RDD.toDebugString.
 *
 * **Example**
 * ```ts
 * const lines: Array<string> = []
 * forEachLineageNode(rdd, (r, depth, edge) =>
 *   lines.push(`${"   ".repeat(depth)}${edge === "shuffle" ? "+-" : edge === "narrow" ? " | " : ""}${r.id}`))
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const forEachLineageNode = (
  root: RDD<unknown>,
  visit: (rdd: RDD<unknown>, shuffleDepth: number, edge: Edge) => void
): void => {
  const stack: Array<readonly [RDD<unknown>, number, Edge]> = [[root, 0, "root"]]
  while (stack.length > 0) {
    const [rdd, depth, edge] = stack.pop()!
    visit(rdd, depth, edge)
    const deps = rdd.dependencies
    for (let d = deps.length - 1; d >= 0; d--) {
      const dep = deps[d]!
      stack.push(dep._tag === "Shuffle" ? [dep.rdd, depth + 1, "shuffle"] : [dep.rdd, depth, "narrow"])
    }
  }
}
