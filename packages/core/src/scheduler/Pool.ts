/**
 * Pools of the FAIR scheduler: a tree of schedulables (pools and task set
 * managers) sorted by a scheduling algorithm, FIFO (by job, then stage) or
 * FAIR (by min share, then running tasks over weight). Implemented in
 * `internal/scheduler/pool`.
 *
 * Mirrors `org.apache.spark.scheduler.Pool`, `SchedulingAlgorithm` and `SchedulingMode`.
 *
 * @since 0.1.0
 */
import * as internal from "../internal/scheduler/pool.js"

/**
 * `FIFO` or `FAIR` (`spark.scheduler.mode`, and each pool's `schedulingMode`).
 *
 * @category models
 * @since 0.1.0
 */
export type SchedulingMode = internal.SchedulingMode

/**
 * A pool: its schedulables, sorted by its mode, with a weight and a min share.
 *
 * **Example**
 * ```ts
 * const ordered = pool.sortedTaskSetQueue() // task set managers, best first
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Pool<T extends internal.PoolLeaf> = internal.Pool<T>

/**
 * One pool's settings (`spark.scheduler.pool.<name>.{schedulingMode,weight,minShare}`
 * or the allocation file).
 *
 * @category models
 * @since 0.1.0
 */
export type PoolConfig = internal.PoolConfig

/**
 * The scheduling mode and the FAIR pools.
 *
 * @category models
 * @since 0.1.0
 */
export type SchedulerConf = internal.SchedulerConf

/**
 * Reads the scheduling mode and the pools from configuration entries; a bad
 * value is an `InvalidArgumentError` naming the key.
 *
 * **Example**
 * ```ts
 * const conf = Pool.readSchedulerConf(new Map([["spark.scheduler.mode", "FAIR"]]))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const readSchedulerConf = internal.readSchedulerConf

/**
 * The pool jobs go to when they name none (`default`).
 *
 * @category models
 * @since 0.1.0
 */
export const DEFAULT_POOL_NAME = internal.DEFAULT_POOL_NAME
