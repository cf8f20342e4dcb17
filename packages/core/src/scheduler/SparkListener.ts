/**
 * Events of jobs, stages and tasks, and the listener interface that hears them.
 *
 * Mirrors `org.apache.spark.scheduler.SparkListener` and its events.
 *
 * @since 0.1.0
 */

/**
 * What a stage is, for listeners.
 *
 * Mirrors `org.apache.spark.scheduler.StageInfo`.
 *
 * @category models
 * @since 0.1.0
 */
export interface StageInfo {
  readonly stageId: number
  readonly attemptNumber: number
  readonly name: string
  readonly kind: "ShuffleMapStage" | "ResultStage"
  readonly numTasks: number
  readonly rddIds: ReadonlyArray<number>
  readonly parentIds: ReadonlyArray<number>
  readonly submissionTime: number | undefined
  readonly completionTime: number | undefined
  readonly failureReason: string | undefined
}

/**
 * How a task ended.
 *
 * @category models
 * @since 0.1.0
 */
export type TaskEndReason =
  | { readonly _tag: "Success" }
  | { readonly _tag: "ExceptionFailure"; readonly message: string }
  | { readonly _tag: "FetchFailed"; readonly shuffleId: number; readonly mapId: number; readonly message: string }
  | { readonly _tag: "TaskKilled"; readonly reason: string }
  | { readonly _tag: "ExecutorLost"; readonly executorId: string }

/**
 * What a task attempt is, for listeners.
 *
 * @category models
 * @since 0.1.0
 */
export interface TaskInfo {
  readonly taskId: number
  readonly index: number
  readonly attemptNumber: number
  readonly executorId: string
  readonly host: string
  readonly locality: string
  readonly launchTime: number
}

/**
 * Every event on the listener bus.
 *
 * @category models
 * @since 0.1.0
 */
export type SparkListenerEvent =
  | {
    readonly _tag: "JobStart"
    readonly jobId: number
    readonly time: number
    readonly stageInfos: ReadonlyArray<StageInfo>
    readonly properties: ReadonlyMap<string, string>
  }
  | {
    readonly _tag: "JobEnd"
    readonly jobId: number
    readonly time: number
    readonly result: "JobSucceeded" | { readonly failure: string }
  }
  | { readonly _tag: "StageSubmitted"; readonly stageInfo: StageInfo }
  | { readonly _tag: "StageCompleted"; readonly stageInfo: StageInfo }
  | { readonly _tag: "TaskStart"; readonly stageId: number; readonly stageAttemptId: number; readonly taskInfo: TaskInfo }
  | {
    readonly _tag: "TaskEnd"
    readonly stageId: number
    readonly stageAttemptId: number
    readonly taskType: "ShuffleMapTask" | "ResultTask"
    readonly reason: TaskEndReason
    readonly taskInfo: TaskInfo
    readonly finishTime: number
  }
  | { readonly _tag: "ExecutorAdded"; readonly executorId: string; readonly host: string; readonly cores: number; readonly time: number }
  | { readonly _tag: "ExecutorRemoved"; readonly executorId: string; readonly reason: string; readonly time: number }
  | { readonly _tag: "ApplicationEnd"; readonly time: number }

/**
 * A listener: implement the callbacks you need.
 *
 * **Example**
 * ```ts
 * sc.addSparkListener({ onStageCompleted: (e) => console.log(e.stageInfo.name) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface SparkListener {
  readonly onJobStart?: (event: Extract<SparkListenerEvent, { _tag: "JobStart" }>) => void
  readonly onJobEnd?: (event: Extract<SparkListenerEvent, { _tag: "JobEnd" }>) => void
  readonly onStageSubmitted?: (event: Extract<SparkListenerEvent, { _tag: "StageSubmitted" }>) => void
  readonly onStageCompleted?: (event: Extract<SparkListenerEvent, { _tag: "StageCompleted" }>) => void
  readonly onTaskStart?: (event: Extract<SparkListenerEvent, { _tag: "TaskStart" }>) => void
  readonly onTaskEnd?: (event: Extract<SparkListenerEvent, { _tag: "TaskEnd" }>) => void
  readonly onExecutorAdded?: (event: Extract<SparkListenerEvent, { _tag: "ExecutorAdded" }>) => void
  readonly onExecutorRemoved?: (event: Extract<SparkListenerEvent, { _tag: "ExecutorRemoved" }>) => void
  readonly onApplicationEnd?: (event: Extract<SparkListenerEvent, { _tag: "ApplicationEnd" }>) => void
}

/**
 * Calls the listener's callback for an event.
 *
 * @category combinators
 * @since 0.1.0
 */
export const dispatch = (listener: SparkListener, event: SparkListenerEvent): void => {
  switch (event._tag) {
    case "JobStart":
      return listener.onJobStart?.(event)
    case "JobEnd":
      return listener.onJobEnd?.(event)
    case "StageSubmitted":
      return listener.onStageSubmitted?.(event)
    case "StageCompleted":
      return listener.onStageCompleted?.(event)
    case "TaskStart":
      return listener.onTaskStart?.(event)
    case "TaskEnd":
      return listener.onTaskEnd?.(event)
    case "ExecutorAdded":
      return listener.onExecutorAdded?.(event)
    case "ExecutorRemoved":
      return listener.onExecutorRemoved?.(event)
    case "ApplicationEnd":
      return listener.onApplicationEnd?.(event)
  }
}
