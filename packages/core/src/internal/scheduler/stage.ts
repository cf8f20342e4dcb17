// Stages: a set of tasks that run the same pipelined narrow transformations,
// cut at shuffle boundaries. A shuffle map stage writes shuffle output; a
// result stage runs the action's function.
import type { ShuffleDependency } from "../../rdd/Dependency.js"
import type { RDD } from "../../rdd/RDD.js"
import type { StageInfo } from "../../scheduler/SparkListener.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"

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

export const stageName = (stage: Stage): string =>
  `${stage._tag === "ResultStage" ? "result" : "shuffle map"} stage ${stage.id} (${stage.rdd.name ?? stage.rdd.op.kind}[${stage.rdd.id}])`

export const rddIdsOf = (stage: Stage): Array<number> => {
  // The RDDs pipelined in the stage: the final RDD and its narrow ancestors.
  const ids: Array<number> = []
  const seen = new Set<number>()
  const visit = (rdd: RDD<unknown>) => {
    if (seen.has(rdd.id)) return
    seen.add(rdd.id)
    ids.push(rdd.id)
    for (const dep of rdd.dependencies) if (dep._tag !== "Shuffle") visit(dep.rdd)
  }
  visit(stage.rdd)
  return ids
}

export const stageInfo = (stage: Stage): StageInfo => ({
  stageId: stage.id,
  attemptNumber: stage.latestAttempt,
  name: stageName(stage),
  kind: stage._tag,
  numTasks: stage.numTasks,
  rddIds: rddIdsOf(stage),
  parentIds: stage.parents.map((p) => p.id),
  submissionTime: stage.submissionTime,
  completionTime: stage.completionTime,
  failureReason: stage.failureReason
})
