// A task as data: the RDD lineage of its stage as a plan (each RDD's op
// factory and arguments, its dependencies, storage level), the shuffle
// dependency it writes or the function it runs, and the partition. An
// executor rebuilds the RDDs with the engine's own op factories; only user
// functions travel, as source text plus an explicit environment.
import type { Dependency, NarrowSpec, ShuffleDependency } from "../../rdd/Dependency.js"
import type { Partitioner } from "../../rdd/Partitioner.js"
import { RDD, type RDDContext } from "../../rdd/RDD.js"
import { type TaskNotSerializableError, toError } from "../../Closure.js"
import type { MapOutputTracker, MapStatus } from "../../scheduler/MapOutputTracker.js"
import type { TaskBinary, TaskDescription } from "../../scheduler/Task.js"
import type { Aggregator } from "../../shuffle/Aggregator.js"
import * as StorageLevel from "../../storage/StorageLevel.js"
import { forEachAncestor, forEachPartitionAncestor, shuffleDependencies } from "../../util/lineage.js"
import type { Ordering } from "../../util/Ordering.js"
import {
  collectShipped,
  deserializeFunction,
  deserializeValue,
  NotShippable,
  type SerializedFunction,
  serializeFunction,
  serializeValue
} from "../closure/shipping.js"
import type { ToExecutor } from "../executor/protocol.js"
import type { StagePlanCache } from "../executor/stagePlanCache.js"
import type { BoundedLru } from "../util/boundedLru.js"
import * as Ops from "../rdd/ops.js"

interface ShuffleDepPlan {
  readonly parent: number
  readonly shuffleId: number
  readonly partitioner: unknown
  readonly aggregator: unknown
  readonly mapSideCombine: boolean
  readonly keyOrdering: unknown
}

type PlanDep =
  | { readonly _tag: "OneToOne"; readonly rdd: number }
  | { readonly _tag: "Range"; readonly rdd: number; readonly inStart: number; readonly outStart: number; readonly length: number }
  | { readonly _tag: "Narrow"; readonly rdd: number; readonly spec: NarrowSpec }
  | ({ readonly _tag: "Shuffle" } & ShuffleDepPlan)

interface PlanNode {
  readonly id: number
  readonly name: string | undefined
  readonly factory: string
  readonly args: unknown
  readonly deps: ReadonlyArray<PlanDep>
  readonly storageLevel: string
}

export interface StagePlan {
  /** RDDs of the stage, parents first. */
  readonly nodes: ReadonlyArray<PlanNode>
  readonly rootId: number
  readonly binary:
    | { readonly _tag: "ResultTask"; readonly func: SerializedFunction }
    | ({ readonly _tag: "ShuffleMapTask" } & ShuffleDepPlan)
}

/** One partition of a parallel collection that a task reads. */
export interface TaskSlice {
  readonly rddId: number
  readonly index: number
  readonly values: ReadonlyArray<unknown>
}

/**
 * A task as it travels. `planId` names its stage attempt's plan (unique in the
 * driver's process); `plan` goes only to an executor that does not hold it
 * yet, and the executor keeps it decoded for the stage's other tasks.
 */
export interface ShippedTask extends Omit<TaskDescription, "binary"> {
  readonly planId: number
  readonly plan?: StagePlan
  readonly slices: ReadonlyArray<TaskSlice>
}

const encodeShuffleDep = (dep: ShuffleDependency<RDD<unknown>>, where: string): ShuffleDepPlan => ({
  parent: dep.rdd.id,
  shuffleId: dep.shuffleId,
  partitioner: serializeValue(dep.partitioner, `partitioner of shuffle ${dep.shuffleId}`),
  aggregator: serializeValue(dep.aggregator, `aggregator of shuffle ${dep.shuffleId} (${where})`),
  mapSideCombine: dep.mapSideCombine,
  keyOrdering: serializeValue(dep.keyOrdering, `key ordering of shuffle ${dep.shuffleId}`)
})

const describe = (rdd: RDD<unknown>) => `${rdd.name ?? rdd.op.kind}[${rdd.id}]`

/** Encodes the stage ending at `binary.rdd`; throws NotShippable naming the first function that cannot ship. */
export const encodeStage = (binary: TaskBinary): StagePlan => {
  // The stage's RDDs; a checkpointed RDD is a leaf. Ids grow from parents to children, so sorting puts parents first.
  const rdds: Array<RDD<unknown>> = []
  forEachAncestor(binary.rdd, (rdd) => {
    rdds.push(rdd)
    return rdd.isCheckpointed ? "prune" : undefined
  }, { stopAtShuffles: true })
  rdds.sort((a, b) => a.id - b.id)
  const nodes: Array<PlanNode> = []
  for (const rdd of rdds) {
    // A checkpointed RDD is computed from its checkpoint: ship that op under the RDD's own id.
    const source = rdd.isCheckpointed ? rdd.dependencies[0]!.rdd : rdd
    const deps: Array<PlanDep> = rdd.isCheckpointed ? [] : rdd.dependencies.map((dep): PlanDep =>
      dep._tag === "Shuffle"
        ? { _tag: "Shuffle", ...encodeShuffleDep(dep, describe(rdd)) }
        : dep._tag === "Range"
        ? { _tag: "Range", rdd: dep.rdd.id, inStart: dep.inStart, outStart: dep.outStart, length: dep.length }
        : dep._tag === "Narrow"
        ? { _tag: "Narrow", rdd: dep.rdd.id, spec: dep.spec }
        : { _tag: "OneToOne", rdd: dep.rdd.id }
    )
    // A parallel collection's data travels with each task's own partitions (see shipTask), not in the stage plan.
    const args = source.op.factory === "parallelCollection"
      ? [(source.op.args[0] as ReadonlyArray<unknown>).length, source.op.args[1]]
      : source.op.args
    nodes.push({
      id: rdd.id,
      name: rdd.name,
      factory: source.op.factory,
      args: serializeValue(args, `function of ${describe(rdd)}`),
      deps,
      storageLevel: rdd.storageLevel.name
    })
  }
  return {
    nodes,
    rootId: binary.rdd.id,
    binary: binary._tag === "ResultTask"
      ? { _tag: "ResultTask", func: serializeFunction(binary.func, `action function run on ${describe(binary.rdd)}`) }
      : { _tag: "ShuffleMapTask", ...encodeShuffleDep(binary.dep, describe(binary.rdd)) }
  }
}

/** The context of RDDs rebuilt on an executor: they keep the driver's ids and run no jobs. */
class ExecutorRDDContext implements RDDContext {
  nextId = 0
  readonly newRddId = () => this.nextId
  readonly newShuffleId = () => -1
  readonly defaultParallelism = 1
  readonly checkpointDir = undefined
  readonly runJob = (): never => {
    throw new Error("RDD actions can only be invoked by the driver, not inside tasks")
  }
  readonly persistRdd = () => {}
  readonly unpersistRdd = () => {}
  readonly cleanShuffleWith = () => {}
  readonly cleanCheckpointWith = () => {}
}

const decodeShuffleDep = (plan: ShuffleDepPlan, rdd: RDD<unknown>): ShuffleDependency<RDD<unknown>> => ({
  _tag: "Shuffle",
  rdd,
  shuffleId: plan.shuffleId,
  partitioner: deserializeValue(plan.partitioner) as Partitioner,
  aggregator: deserializeValue(plan.aggregator) as Aggregator<unknown, unknown, unknown> | undefined,
  mapSideCombine: plan.mapSideCombine,
  keyOrdering: deserializeValue(plan.keyOrdering) as Ordering<unknown> | undefined
})

/** A stage rebuilt on an executor: its task binary and its RDDs by id (to hand each task its slices). */
export interface DecodedStage {
  readonly binary: TaskBinary
  readonly rdds: ReadonlyMap<number, RDD<unknown>>
}

/** Rebuilds a stage's RDDs and its task binary from a plan, with the parallel-collection slices the task reads. */
export const decodeStage = (plan: StagePlan, slices: ReadonlyArray<TaskSlice> = []): TaskBinary => decodeStageGraph(plan, slices).binary

const decodeStageGraph = (plan: StagePlan, slices: ReadonlyArray<TaskSlice>): DecodedStage => {
  const context = new ExecutorRDDContext()
  const rdds = new Map<number, RDD<unknown>>()
  const placeholder = (id: number) => ({ id }) as unknown as RDD<unknown>
  for (const node of plan.nodes) {
    const deps = node.deps.map((dep): Dependency<RDD<unknown>> => {
      switch (dep._tag) {
        case "Shuffle":
          return decodeShuffleDep(dep, placeholder(dep.parent))
        case "Range":
          return { _tag: "Range", rdd: rdds.get(dep.rdd)!, inStart: dep.inStart, outStart: dep.outStart, length: dep.length }
        case "Narrow":
          return { _tag: "Narrow", rdd: rdds.get(dep.rdd)!, spec: dep.spec }
        case "OneToOne":
          return { _tag: "OneToOne", rdd: rdds.get(dep.rdd)! }
      }
    })
    const factory = Ops.factories[node.factory]
    if (factory === undefined) throw new Error(`unknown RDD op ${node.factory} in a task plan`)
    let args = deserializeValue(node.args) as Array<unknown>
    if (node.factory === "parallelCollection") {
      const data: Array<ReadonlyArray<unknown>> = Array.from({ length: args[0] as number }, () => [])
      for (const slice of slices) if (slice.rddId === node.id) data[slice.index] = slice.values
      args = [data, args[1]]
    }
    // The plan's arguments are untyped data: they were checked when the op was built on the driver.
    const op = factory(...(args as Array<never>))
    context.nextId = node.id
    const rdd = new RDD<unknown>(context, op, deps)
    if (node.name !== undefined) rdd.setName(node.name)
    const level = StorageLevel.byName.get(node.storageLevel)
    if (level !== undefined && level !== StorageLevel.NONE) rdd.persist(level)
    rdds.set(node.id, rdd)
  }
  const root = rdds.get(plan.rootId)!
  const binary: TaskBinary = plan.binary._tag === "ResultTask"
    ? { _tag: "ResultTask", rdd: root, func: deserializeFunction(plan.binary.func) as Extract<TaskBinary, { _tag: "ResultTask" }>["func"] }
    : { _tag: "ShuffleMapTask", rdd: root, dep: decodeShuffleDep(plan.binary, root) }
  return { binary, rdds }
}

/** Stage plans by task binary: every task of a stage attempt shares one, encoded once, under a plan id. */
interface EncodedStage {
  readonly planId: number
  readonly plan: StagePlan
  /** The broadcast variables its functions hold: a task sends those its executor lacks. */
  readonly broadcastIds: ReadonlyArray<number>
}
const stagePlans = new WeakMap<TaskBinary, EncodedStage>()
let nextPlanId = 0

const encodedStage = (binary: TaskBinary): EncodedStage => {
  let encoded = stagePlans.get(binary)
  if (encoded === undefined) {
    const plan = encodeStage(binary)
    const ids = new Set<unknown>()
    collectShipped(plan, "Broadcast", ids)
    encoded = { planId: nextPlanId++, plan, broadcastIds: [...ids] as Array<number> }
    stagePlans.set(binary, encoded)
  }
  return encoded
}

/** The ids of the broadcast variables the functions of `task`'s stage hold. */
export const stageBroadcastIds = (task: TaskDescription): ReadonlyArray<number> => encodedStage(task.binary).broadcastIds

/** The parallel-collection partitions a task reads through its stage's narrow lineage. */
const slicesRead = (rdd: RDD<unknown>, partition: number, into: Array<TaskSlice>): void =>
  forEachPartitionAncestor(rdd, partition, (current, p) => {
    if (current.isCheckpointed) return "prune"
    if (current.op.factory !== "parallelCollection") return undefined
    const slices = current.op.args[0] as ReadonlyArray<ReadonlyArray<unknown>>
    into.push({ rddId: current.id, index: p, values: slices[p] ?? [] })
    return "prune"
  })

/** The task as data; its stage's plan is left out when `holdsPlan(planId)` says the executor has it. */
export const shipTask = (task: TaskDescription, holdsPlan: (planId: number) => boolean = () => false): ShippedTask => {
  const { binary, ...rest } = task
  const encoded = encodedStage(binary)
  const slices: Array<TaskSlice> = []
  slicesRead(binary.rdd, task.partition.index, slices)
  // The partition itself may carry a slice's values (ParallelCollectionRDD): only its index travels.
  const partition = { index: task.partition.index }
  return holdsPlan(encoded.planId)
    ? { ...rest, partition, planId: encoded.planId, slices }
    : { ...rest, partition, planId: encoded.planId, plan: encoded.plan, slices }
}

/** A parallel collection's partition on an executor: each task of the stage sets the values it reads. */
interface SlicePartition {
  readonly index: number
  values: ReadonlyArray<unknown>
}

const noValues: ReadonlyArray<unknown> = []

/**
 * The `Launch` message of a task for one executor: the plan only when the
 * executor lacks it, the map statuses of the shuffles the stage reads that
 * the executor lacks or holds an older version of (it keeps them across
 * tasks, as Spark's `MapOutputTrackerWorker` caches them), and the broadcasts
 * not sent to it yet; what it carries is marked sent as the message is made.
 * Throws when the task cannot be shipped.
 */
export const launchMessage = (
  task: TaskDescription,
  executor: {
    readonly sentPlans: BoundedLru<number, true>
    readonly sentBroadcasts: Set<number>
    readonly sentShuffles: Map<number, number>
  },
  tracker: Pick<MapOutputTracker, "getStatuses" | "statusesVersion">,
  getBroadcast: (broadcastId: number) => unknown
): Extract<ToExecutor, { _tag: "Launch" }> => {
  const shipped = shipTask(task, (planId) => executor.sentPlans.get(planId) !== undefined)
  // The shuffles the task's stage reads: its narrow lineage's shuffle dependencies.
  const mapStatuses: Array<readonly [number, ReadonlyArray<MapStatus | undefined>]> = []
  const sentShuffles: Array<readonly [number, number]> = []
  for (const id of new Set(shuffleDependencies(task.binary.rdd).map((dep) => dep.shuffleId))) {
    const version = tracker.statusesVersion(id)
    const statuses = tracker.getStatuses(id)
    // A shuffle the driver does not track has no statuses to send: the reader reports its fetch failure.
    if (version === undefined || statuses === undefined || executor.sentShuffles.get(id) === version) continue
    mapStatuses.push([id, statuses])
    sentShuffles.push([id, version])
  }
  const broadcasts: Array<readonly [number, unknown]> = []
  for (const id of stageBroadcastIds(task)) {
    if (!executor.sentBroadcasts.has(id)) broadcasts.push([id, getBroadcast(id)])
  }
  for (const [id] of broadcasts) executor.sentBroadcasts.add(id)
  for (const [id, version] of sentShuffles) executor.sentShuffles.set(id, version)
  if (shipped.plan !== undefined) executor.sentPlans.set(shipped.planId, true)
  return { _tag: "Launch", task: shipped, mapStatuses, broadcasts }
}

/**
 * A received task, ready to run; `release` drops what it held of its
 * stage's shared RDDs (its slices' values) once it has started.
 */
export interface ReceivedTask {
  readonly task: TaskDescription
  readonly release: () => void
}

/**
 * The task description an executor runs, with its stage decoded once per
 * executor: the stage's RDDs come from `stages` (or are decoded from the plan
 * the task carries, and kept there). `undefined` when the task carries no plan
 * and `stages` does not hold it (evicted): the executor asks the driver for it.
 * Tasks of a stage share its RDDs and functions, as tasks of `local[N]` do;
 * each gets its own parallel-collection slices.
 */
export const receiveTask = (shipped: ShippedTask, stages: StagePlanCache<DecodedStage>): ReceivedTask | undefined => {
  const { plan, planId, slices, ...rest } = shipped
  let stage = plan === undefined ? stages.get(planId) : undefined
  if (stage === undefined) {
    if (plan === undefined) return undefined
    stage = decodeStageGraph(plan, [])
    stages.put(planId, { stageId: shipped.stageId, stageAttemptId: shipped.stageAttemptId }, stage)
  }
  const filled: Array<SlicePartition> = []
  for (const slice of slices) {
    const partition = stage.rdds.get(slice.rddId)?.partitions[slice.index] as SlicePartition | undefined
    if (partition === undefined) continue
    partition.values = slice.values
    filled.push(partition)
  }
  const binary = stage.binary
  // The executor's own partition object, from the rebuilt RDD.
  const task = { ...rest, binary, partition: binary.rdd.partitions[shipped.partition.index] ?? shipped.partition }
  return {
    task,
    release: () => {
      for (const partition of filled) partition.values = noValues
    }
  }
}

/**
 * Encodes every stage a job on `rdd` may run (the result stage and every
 * shuffle map stage of its lineage), so that a function that cannot ship is
 * refused when the job is submitted: returns the error naming what it captures.
 */
export const checkShippable = (
  rdd: RDD<unknown>,
  func: Extract<TaskBinary, { _tag: "ResultTask" }>["func"]
): TaskNotSerializableError | undefined => {
  try {
    encodeStage({ _tag: "ResultTask", rdd, func })
    forEachAncestor(rdd, () => {}, { onShuffle: (dep) => void encodeStage({ _tag: "ShuffleMapTask", rdd: dep.rdd, dep }) })
    return undefined
  } catch (problem) {
    if (problem instanceof NotShippable) return toError(problem)
    throw problem
  }
}

export { NotShippable }
