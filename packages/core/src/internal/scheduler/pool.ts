// Scheduling pools and the two orders the task scheduler offers cores in.
// Mirrors Spark's `Pool`, `SchedulingAlgorithm` (`FIFOSchedulingAlgorithm`,
// `FairSchedulingAlgorithm`) and `SchedulableBuilder` (`FIFOSchedulableBuilder`,
// `FairSchedulableBuilder`), over plain data so they can be tested alone.
//
// FIFO mode: every task set sits in the root pool, ordered by (jobId, stageId).
// FAIR mode: the root pool holds named pools, ordered by the fair comparator;
// a task set goes to the pool named by its job's `spark.scheduler.pool` local
// property ("default" when unset), and each pool orders its own task sets FIFO
// or FAIR. Pools are configured from the SparkConf (see `readSchedulerConf`).
import * as fs from "node:fs"
import { InvalidArgumentError } from "../../SparkError.js"

export type SchedulingMode = "FIFO" | "FAIR"

/** What the scheduling algorithms compare: a pool or one stage attempt's task set. */
export interface Schedulable {
  readonly name: string
  readonly weight: number
  readonly minShare: number
  readonly runningTasks: number
  /** FIFO order: the job id of a task set (pools: 0). */
  readonly priority: number
  /** FIFO order within a job (pools: -1). */
  readonly stageId: number
}

/** Where a task set reports the tasks it launches and ends: its pool. */
export interface RunningTasksParent {
  readonly increaseRunningTasks: (n: number) => void
  readonly decreaseRunningTasks: (n: number) => void
}

/** A task set as a pool holds it: a leaf of the pool tree. */
export interface PoolLeaf extends Schedulable {
  parent: RunningTasksParent | undefined
  /** False once the task set launches nothing more (a zombie). */
  readonly isSchedulable: boolean
}

/** A comparator over schedulables: negative when `a` is offered cores before `b`. */
export type SchedulingAlgorithm = (a: Schedulable, b: Schedulable) => number

/** Spark's `FIFOSchedulingAlgorithm`: lower job id first, then lower stage id. */
export const fifoSchedulingAlgorithm: SchedulingAlgorithm = (a, b) => Math.sign(a.priority - b.priority) || Math.sign(a.stageId - b.stageId)

/**
 * Spark's `FairSchedulingAlgorithm`: a schedulable running fewer tasks than its
 * minShare ("needy") goes first; two needy ones compare by runningTasks/minShare,
 * two others by runningTasks/weight; ties go by name.
 */
export const fairSchedulingAlgorithm: SchedulingAlgorithm = (a, b) => {
  const aNeedy = a.runningTasks < a.minShare
  const bNeedy = b.runningTasks < b.minShare
  if (aNeedy !== bNeedy) return aNeedy ? -1 : 1
  const compare = aNeedy
    ? a.runningTasks / Math.max(a.minShare, 1) - b.runningTasks / Math.max(b.minShare, 1)
    : a.runningTasks / a.weight - b.runningTasks / b.weight
  if (compare !== 0) return compare < 0 ? -1 : 1
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

export const schedulingAlgorithm = (mode: SchedulingMode): SchedulingAlgorithm =>
  mode === "FAIR" ? fairSchedulingAlgorithm : fifoSchedulingAlgorithm

/**
 * A node of the pool tree. Its children are pools or task sets; it keeps the
 * count of tasks running below it, which task sets report as they launch and
 * end tasks (`increaseRunningTasks` / `decreaseRunningTasks` walk up).
 */
export class Pool<T extends PoolLeaf> implements Schedulable, RunningTasksParent {
  readonly children: Array<Pool<T> | T> = []
  private readonly pools = new Map<string, Pool<T>>()
  runningTasks = 0
  readonly priority = 0
  readonly stageId = -1
  parent: Pool<T> | undefined
  private readonly algorithm: SchedulingAlgorithm

  constructor(
    readonly name: string,
    readonly schedulingMode: SchedulingMode,
    readonly minShare: number,
    readonly weight: number
  ) {
    this.algorithm = schedulingAlgorithm(schedulingMode)
  }

  add(child: Pool<T> | T): void {
    this.children.push(child)
    if (child instanceof Pool) this.pools.set(child.name, child)
    child.parent = this
    this.increaseRunningTasks(child.runningTasks)
  }

  /** Detaches a child; the tasks it still runs stop counting here. */
  remove(child: Pool<T> | T): void {
    const index = this.children.indexOf(child)
    if (index < 0) return
    this.children.splice(index, 1)
    if (child instanceof Pool) this.pools.delete(child.name)
    child.parent = undefined
    this.decreaseRunningTasks(child.runningTasks)
  }

  /** A direct child pool by name. */
  getPool(name: string): Pool<T> | undefined {
    return this.pools.get(name)
  }

  increaseRunningTasks(n: number): void {
    this.runningTasks += n
    this.parent?.increaseRunningTasks(n)
  }

  decreaseRunningTasks(n: number): void {
    this.runningTasks -= n
    this.parent?.decreaseRunningTasks(n)
  }

  /** The schedulable task sets below this pool, in the order they are offered cores. */
  sortedTaskSetQueue(into: Array<T> = []): Array<T> {
    const sorted = this.children.slice().sort(this.algorithm)
    for (const child of sorted) {
      if (child instanceof Pool) child.sortedTaskSetQueue(into)
      else if (child.isSchedulable) into.push(child)
    }
    return into
  }
}

// ---------------------------------------------------------------------------
// Configuration

export const DEFAULT_POOL_NAME = "default"
export const POOL_PROPERTY = "spark.scheduler.pool"
const POOL_PREFIX = "spark.scheduler.pool."
const ATTRIBUTES = ["weight", "minShare", "schedulingMode"] as const

export interface PoolConfig {
  readonly name: string
  readonly schedulingMode: SchedulingMode
  readonly weight: number
  readonly minShare: number
}

export interface SchedulerConf {
  readonly mode: SchedulingMode
  /** Pools configured up front (FAIR mode); others are created with defaults on first use. */
  readonly pools: ReadonlyArray<PoolConfig>
}

export const defaultSchedulerConf: SchedulerConf = { mode: "FIFO", pools: [] }

type PoolAttributes = { schedulingMode?: SchedulingMode; weight?: number; minShare?: number }

const fail = (message: string) => new InvalidArgumentError({ method: "SparkConf", message })

const parseMode = (raw: string, where: string): SchedulingMode | InvalidArgumentError => {
  const mode = raw.trim().toUpperCase()
  return mode === "FIFO" || mode === "FAIR"
    ? mode
    : fail(`${where} must be FIFO or FAIR, got "${raw}"`)
}

const parseAttribute = (
  attribute: (typeof ATTRIBUTES)[number],
  raw: unknown,
  where: string
): SchedulingMode | number | InvalidArgumentError => {
  if (attribute === "schedulingMode") {
    return typeof raw === "string" ? parseMode(raw, where) : fail(`${where} must be FIFO or FAIR, got ${JSON.stringify(raw)}`)
  }
  const value = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN
  const min = attribute === "weight" ? 1 : 0
  return Number.isInteger(value) && value >= min
    ? value
    : fail(`${where} must be an integer >= ${min}, got ${JSON.stringify(raw)}`)
}

/** Reads pools from the JSON allocation file: `{ "pools": [{ "name": "etl", "weight": 2, ... }] }`. */
const readAllocationFile = (
  file: string,
  readFile: (path: string) => string,
  into: Map<string, PoolAttributes>
): InvalidArgumentError | undefined => {
  const where = `spark.scheduler.allocation.file ${file}`
  let parsed: unknown
  try {
    parsed = JSON.parse(readFile(file))
  } catch (cause) {
    return fail(`${where} could not be read as JSON: ${(cause as Error).message}`)
  }
  const pools = (parsed as { pools?: unknown } | null)?.pools
  if (!Array.isArray(pools)) {
    return fail(`${where} must be a JSON object {"pools": [{"name": "...", "weight": 1, "minShare": 0, "schedulingMode": "FIFO"}]}`)
  }
  for (const [i, pool] of pools.entries()) {
    const name = (pool as { name?: unknown } | null)?.name
    if (typeof name !== "string" || name === "") return fail(`${where}: pools[${i}] needs a non-empty string "name"`)
    const attributes: PoolAttributes = {}
    for (const [key, raw] of Object.entries(pool as object)) {
      if (key === "name") continue
      if (!(ATTRIBUTES as ReadonlyArray<string>).includes(key)) {
        return fail(`${where}: pool "${name}" has unknown field "${key}" (known: name, ${ATTRIBUTES.join(", ")})`)
      }
      const value = parseAttribute(key as (typeof ATTRIBUTES)[number], raw, `${where}: pool "${name}" ${key}`)
      if (value instanceof InvalidArgumentError) return value
      ;(attributes as Record<string, unknown>)[key] = value
    }
    into.set(name, attributes)
  }
  return undefined
}

/**
 * Reads the scheduling mode and pools from conf entries:
 *
 * - `spark.scheduler.mode`: `FIFO` (default) or `FAIR`, case-insensitive;
 * - `spark.scheduler.allocation.file`: an optional JSON file of pools,
 *   `{"pools": [{"name": "etl", "schedulingMode": "FAIR", "weight": 2, "minShare": 1}]}`;
 * - `spark.scheduler.pool.<name>.weight` (integer >= 1, default 1),
 *   `spark.scheduler.pool.<name>.minShare` (integer >= 0, default 0) and
 *   `spark.scheduler.pool.<name>.schedulingMode` (FIFO or FAIR within the pool, default FIFO),
 *   which win over the file's values for the same pool.
 */
export const readSchedulerConf = (
  entries: ReadonlyMap<string, string>,
  readFile: (path: string) => string = (file) => fs.readFileSync(file, "utf8")
): SchedulerConf | InvalidArgumentError => {
  const rawMode = entries.get("spark.scheduler.mode")
  const mode = rawMode === undefined ? "FIFO" : parseMode(rawMode, "spark.scheduler.mode")
  if (mode instanceof InvalidArgumentError) return mode
  const byName = new Map<string, PoolAttributes>()
  const file = entries.get("spark.scheduler.allocation.file")
  if (file !== undefined) {
    const error = readAllocationFile(file, readFile, byName)
    if (error !== undefined) return error
  }
  for (const [key, raw] of entries) {
    if (!key.startsWith(POOL_PREFIX)) continue
    const rest = key.slice(POOL_PREFIX.length)
    const dot = rest.lastIndexOf(".")
    const name = rest.slice(0, Math.max(dot, 0))
    const attribute = rest.slice(dot + 1)
    if (dot <= 0 || !(ATTRIBUTES as ReadonlyArray<string>).includes(attribute)) {
      return fail(`${key} is not a pool setting: use ${POOL_PREFIX}<name>.{${ATTRIBUTES.join(",")}}`)
    }
    const value = parseAttribute(attribute as (typeof ATTRIBUTES)[number], raw, key)
    if (value instanceof InvalidArgumentError) return value
    const attributes = byName.get(name) ?? {}
    ;(attributes as Record<string, unknown>)[attribute] = value
    byName.set(name, attributes)
  }
  const pools = [...byName].map(([name, a]): PoolConfig => ({
    name,
    schedulingMode: a.schedulingMode ?? "FIFO",
    weight: a.weight ?? 1,
    minShare: a.minShare ?? 0
  }))
  return { mode, pools }
}

/**
 * Builds the pool tree and places task sets in it. Mirrors Spark's
 * `FIFOSchedulableBuilder` (task sets straight under a FIFO root) and
 * `FairSchedulableBuilder` (configured pools plus "default" under a FAIR root;
 * a pool named by a job but not configured is created with weight 1,
 * minShare 0, FIFO).
 */
export class SchedulableBuilder<T extends PoolLeaf> {
  readonly rootPool: Pool<T>
  private readonly poolOf = new Map<T, Pool<T>>()

  constructor(readonly conf: SchedulerConf) {
    this.rootPool = new Pool<T>("", conf.mode, 0, 0)
    if (conf.mode === "FIFO") return
    for (const pool of conf.pools) {
      this.rootPool.add(new Pool<T>(pool.name, pool.schedulingMode, pool.minShare, pool.weight))
    }
    if (this.rootPool.getPool(DEFAULT_POOL_NAME) === undefined) {
      this.rootPool.add(new Pool<T>(DEFAULT_POOL_NAME, "FIFO", 0, 1))
    }
  }

  addTaskSetManager(manager: T, properties: ReadonlyMap<string, string>): void {
    if (this.conf.mode === "FIFO") {
      this.rootPool.add(manager)
      this.poolOf.set(manager, this.rootPool)
      return
    }
    const name = properties.get(POOL_PROPERTY) ?? DEFAULT_POOL_NAME
    let pool = this.rootPool.getPool(name)
    if (pool === undefined) {
      pool = new Pool<T>(name, "FIFO", 0, 1)
      this.rootPool.add(pool)
    }
    pool.add(manager)
    this.poolOf.set(manager, pool)
  }

  /** Takes a finished task set out of its pool (pools stay, as in Spark). */
  removeTaskSetManager(manager: T): void {
    this.poolOf.get(manager)?.remove(manager)
    this.poolOf.delete(manager)
  }
}
