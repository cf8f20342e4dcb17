// Stages: a set of tasks that run the same pipelined narrow transformations,
// cut at shuffle boundaries. A shuffle map stage writes shuffle output; a
// result stage runs the action's function.
import type { ShuffleDependency } from "../../rdd/Dependency.js"
import type { RDD } from "../../rdd/RDD.js"
import type { MapOutputTracker } from "../../scheduler/MapOutputTracker.js"
import type { RDDInfo, StageInfo } from "../../scheduler/SparkListener.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import { forEachAncestor, shuffleDependencies } from "../../util/lineage.js"

export interface ActiveJob {
  readonly jobId: number
  readonly finalStage: ResultStage
  readonly partitions: ReadonlyArray<number>
  readonly properties: ReadonlyMap<string, string>
  readonly finished: Array<boolean>
  numFinished: number
  readonly onTaskSucceeded: (index: number, result: unknown) => void
  readonly onJobFinished: (outcome: { readonly _tag: "Success" } | { readonly _tag: "Failure"; readonly error: unknown }) => void
}

/** A job as the context submits it: what to run, where results go. */
export interface JobSubmission {
  readonly jobId: number
  readonly rdd: RDD<unknown>
  readonly func: (iterator: Iterator<unknown>, ctx: TaskContext) => unknown
  readonly partitions: ReadonlyArray<number>
  readonly properties: ReadonlyMap<string, string>
  readonly onTaskSucceeded: ActiveJob["onTaskSucceeded"]
  readonly onJobFinished: ActiveJob["onJobFinished"]
}

interface StageBase {
  readonly id: number
  readonly rdd: RDD<unknown>
  readonly parents: Array<Stage>
  readonly jobIds: Set<number>
  readonly firstJobId: number
  readonly numTasks: number
  latestAttempt: number
  submissionTime: number | undefined
  completionTime: number | undefined
  failureReason: string | undefined
  /** Consecutive attempts that ended in a fetch failure; abort past the limit. */
  failedAttemptCount: number
  /** Partitions whose task has not yet succeeded in the current attempt. */
  readonly pendingPartitions: Set<number>
}

export interface ShuffleMapStage extends StageBase {
  readonly _tag: "ShuffleMapStage"
  readonly shuffleDep: ShuffleDependency<RDD<unknown>>
}

export interface ResultStage extends StageBase {
  readonly _tag: "ResultStage"
  readonly func: (iterator: Iterator<unknown>, ctx: TaskContext) => unknown
  readonly partitions: ReadonlyArray<number>
  activeJob: ActiveJob | undefined
}

export type Stage = ShuffleMapStage | ResultStage

/** Every stage of the active jobs, by id and by the shuffle a map stage writes; creates them. */
export class StageGraph {
  private nextStageId = 0
  readonly stages = new Map<number, Stage>()
  readonly shuffleIdToMapStage = new Map<number, ShuffleMapStage>()

  constructor(private readonly mapOutputTracker: MapOutputTracker) {}

  private newStageBase(rdd: RDD<unknown>, parents: Array<Stage>, jobId: number, numTasks: number) {
    return {
      id: this.nextStageId++,
      rdd,
      parents,
      jobIds: new Set<number>(),
      firstJobId: jobId,
      numTasks,
      latestAttempt: -1,
      submissionTime: undefined,
      completionTime: undefined,
      failureReason: undefined,
      failedAttemptCount: 0,
      pendingPartitions: new Set<number>()
    }
  }

  createResultStage(rdd: RDD<unknown>, func: ResultStage["func"], partitions: ReadonlyArray<number>, jobId: number): ResultStage {
    const parents = this.getOrCreateParentStages(rdd, jobId)
    const stage: ResultStage = {
      _tag: "ResultStage",
      ...this.newStageBase(rdd, parents, jobId, partitions.length),
      func,
      partitions,
      activeJob: undefined
    }
    this.stages.set(stage.id, stage)
    this.updateJobIdStageIdMaps(jobId, stage)
    return stage
  }

  private getOrCreateParentStages(rdd: RDD<unknown>, jobId: number): Array<Stage> {
    return shuffleDependencies(rdd).map((dep) => this.getOrCreateShuffleMapStage(dep, jobId))
  }

  getOrCreateShuffleMapStage(dep: ShuffleDependency<RDD<unknown>>, jobId: number): ShuffleMapStage {
    const existing = this.shuffleIdToMapStage.get(dep.shuffleId)
    if (existing !== undefined) return existing
    const parents = this.getOrCreateParentStages(dep.rdd, jobId)
    const stage: ShuffleMapStage = {
      _tag: "ShuffleMapStage",
      ...this.newStageBase(dep.rdd, parents, jobId, dep.rdd.numPartitions),
      shuffleDep: dep
    }
    this.stages.set(stage.id, stage)
    this.shuffleIdToMapStage.set(dep.shuffleId, stage)
    this.mapOutputTracker.registerShuffle(dep.shuffleId, dep.rdd.numPartitions)
    return stage
  }

  private updateJobIdStageIdMaps(jobId: number, stage: Stage): void {
    const stack = [stage]
    while (stack.length > 0) {
      const s = stack.pop()!
      if (s.jobIds.has(jobId)) continue
      s.jobIds.add(jobId)
      stack.push(...s.parents)
    }
  }
}

export const stageName = (stage: Stage): string =>
  `${stage._tag === "ResultStage" ? "result" : "shuffle map"} stage ${stage.id} (${stage.rdd.name ?? stage.rdd.op.kind}[${stage.rdd.id}])`

/** The RDDs pipelined in the stage (the final RDD and its narrow ancestors), as listeners see them. */
export const rddInfosOf = (stage: Stage): Array<RDDInfo> => {
  const infos: Array<RDDInfo> = []
  forEachAncestor(stage.rdd, (rdd) => void infos.push(rddInfo(rdd)), { stopAtShuffles: true })
  return infos
}

/** One RDD as listeners see it: Spark's RDDInfo, with the op's factory as its scope. */
export const rddInfo = (rdd: RDD<unknown>): RDDInfo => {
  const level = rdd.storageLevel
  return {
    rddId: rdd.id,
    name: rdd.name ?? rdd.op.kind,
    numPartitions: rdd.numPartitions,
    parentIds: rdd.dependencies.map((dep) => dep.rdd.id),
    storageLevel: {
      useDisk: level.useDisk,
      useMemory: level.useMemory,
      deserialized: level.deserialized,
      replication: level.replication
    },
    scope: rdd.op.factory,
    callSite: `${rdd.op.kind}[${rdd.id}]`
  }
}

export const stageInfo = (stage: Stage): StageInfo => {
  const rddInfos = rddInfosOf(stage)
  return {
    stageId: stage.id,
    attemptNumber: stage.latestAttempt,
    name: stageName(stage),
    kind: stage._tag,
    numTasks: stage.numTasks,
    rddIds: rddInfos.map((info) => info.rddId),
    rddInfos,
    parentIds: stage.parents.map((p) => p.id),
    submissionTime: stage.submissionTime,
    completionTime: stage.completionTime,
    failureReason: stage.failureReason
  }
}
