/**
 * A progress bar on standard error for the stages that run longer than
 * 500 ms, in Spark's format: `[Stage 3:=====>      (12 + 2) / 40]` (done +
 * running / total), up to three concurrent stages side by side in 80
 * columns (`COLUMNS` when set), redrawn every
 * `spark.ui.consoleProgress.update.interval` (200 ms) when it changed, and
 * cleared when a stage ends. It is driven by the listener bus and times
 * everything by Effect's `Clock`. A context shows it when standard error is a
 * terminal and `spark.ui.showConsoleProgress` is not `false`.
 *
 * Mirrors `org.apache.spark.ui.ConsoleProgressBar`.
 *
 * @since 0.1.0
 */
import { Clock, type Context, Duration, Effect, Schedule, type Scope } from "effect"
import type { SparkListener } from "../scheduler/SparkListener.js"
import * as SparkConf from "../SparkConf.js"
import { InvalidArgumentError } from "../SparkError.js"

/**
 * Where the bar is drawn: `process.stderr` by default.
 *
 * @category models
 * @since 0.1.0
 */
export interface ProgressWriter {
  readonly isTTY?: boolean | undefined
  readonly write: (text: string) => unknown
}

/**
 * A stage's progress as the bar shows it.
 *
 * @category models
 * @since 0.1.0
 */
export interface StageProgress {
  readonly stageId: number
  readonly numTasks: number
  readonly numCompleteTasks: number
  readonly numActiveTasks: number
}

/** Stages younger than this are not shown, nor any within this long after a stage ended (Spark's firstDelayMSec). */
const firstDelayMs = 500
/** The most stages shown at once. */
const maxStagesShown = 3
/** Redraw an unchanged bar this often, so an idle connection is not closed. */
const redrawUnchangedMs = 60_000
const CR = "\r"

/**
 * One line for `stages` in `width` columns: each stage gets an equal share.
 *
 * **Example**
 * ```ts
 * ConsoleProgressBar.render([{ stageId: 3, numTasks: 40, numCompleteTasks: 12, numActiveTasks: 2 }], 80)
 * // "[Stage 3:==================>                                         (12 + 2) / 40]"
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const render = (stages: ReadonlyArray<StageProgress>, width: number): string => {
  if (stages.length === 0) return ""
  const share = Math.floor(width / stages.length)
  return stages.map((stage) => {
    const header = `[Stage ${stage.stageId}:`
    const tailer = `(${stage.numCompleteTasks} + ${stage.numActiveTasks}) / ${stage.numTasks}]`
    const w = share - header.length - tailer.length
    let bar = ""
    if (w > 0) {
      const percent = stage.numTasks === 0 ? w : Math.floor((w * stage.numCompleteTasks) / stage.numTasks)
      for (let i = 0; i < w; i++) bar += i < percent ? "=" : i === percent ? ">" : " "
    }
    return header + bar + tailer
  }).join("")
}

/**
 * Whether a context shows the bar: `spark.ui.showConsoleProgress` (default
 * true) and a terminal to draw on.
 *
 * @category getters
 * @since 0.1.0
 */
export const enabled = (conf: SparkConf.SparkConf, writer: ProgressWriter): boolean | InvalidArgumentError => {
  const show = SparkConf.getBoolean(conf, "spark.ui.showConsoleProgress", true)
  return show instanceof InvalidArgumentError ? show : show && writer.isTTY === true
}

interface LiveStage {
  readonly stageId: number
  readonly numTasks: number
  readonly submissionTime: number
  numCompleteTasks: number
  numActiveTasks: number
}

/**
 * The bar's state: the active stages (only those: a finished stage is
 * dropped), fed by `listener`, drawn by `refresh(now)`.
 *
 * **Example**
 * ```ts
 * const bar = new ConsoleProgressBar.ConsoleProgressBar(process.stderr, 80)
 * sc.addSparkListener(bar.listener)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class ConsoleProgressBar {
  private readonly stages = new Map<string, LiveStage>()
  private lastFinishTime = 0
  private lastUpdateTime = 0
  private lastProgressBar = ""

  constructor(private readonly writer: ProgressWriter, private readonly width: number) {}

  /** What is on the terminal now ("" when nothing). */
  get shown(): string {
    return this.lastProgressBar
  }

  /** How many stages it follows (the active ones). */
  get activeStages(): number {
    return this.stages.size
  }

  readonly listener: SparkListener = {
    onStageSubmitted: ({ stageInfo }) => {
      this.stages.set(`${stageInfo.stageId}.${stageInfo.attemptNumber}`, {
        stageId: stageInfo.stageId,
        numTasks: stageInfo.numTasks,
        submissionTime: stageInfo.submissionTime ?? 0,
        numCompleteTasks: 0,
        numActiveTasks: 0
      })
    },
    onTaskStart: ({ stageAttemptId, stageId }) => {
      const stage = this.stages.get(`${stageId}.${stageAttemptId}`)
      if (stage !== undefined) stage.numActiveTasks++
    },
    onTaskEnd: ({ reason, stageAttemptId, stageId }) => {
      const stage = this.stages.get(`${stageId}.${stageAttemptId}`)
      if (stage === undefined) return
      stage.numActiveTasks = Math.max(0, stage.numActiveTasks - 1)
      if (reason._tag === "Success") stage.numCompleteTasks++
    },
    onStageCompleted: ({ stageInfo }) => {
      this.stages.delete(`${stageInfo.stageId}.${stageInfo.attemptNumber}`)
      this.finish(stageInfo.completionTime ?? this.lastUpdateTime)
    }
  }

  /** Draws the stages older than 500 ms, when the line changed (or a minute passed). */
  refresh(now: number): void {
    if (now - this.lastFinishTime < firstDelayMs) return
    const shown = [...this.stages.values()].filter((stage) => now - stage.submissionTime > firstDelayMs)
      .sort((a, b) => a.stageId - b.stageId)
      .slice(0, maxStagesShown)
    if (shown.length === 0) return
    const bar = render(shown, this.width)
    if (bar !== this.lastProgressBar || now - this.lastUpdateTime > redrawUnchangedMs) {
      this.writer.write(CR + bar + CR)
      this.lastUpdateTime = now
    }
    this.lastProgressBar = bar
  }

  /** Blanks the line, when a bar is on it. */
  clear(): void {
    if (this.lastProgressBar === "") return
    this.writer.write(CR + " ".repeat(this.width) + CR)
    this.lastProgressBar = ""
  }

  /** A stage ended: clear, and wait 500 ms before drawing again (Spark's finishAll). */
  finish(now: number): void {
    this.clear()
    this.lastFinishTime = now
  }
}

/**
 * Clears the bar now, and holds it back for 500 ms: what a context runs when
 * a job's result is in, before its caller (who may print) gets it.
 *
 * Mirrors `ConsoleProgressBar.finishAll`.
 *
 * @category combinators
 * @since 0.1.0
 */
export const finishAll = (bar: ConsoleProgressBar): Effect.Effect<void> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => bar.finish(now)))

/** The terminal's width: `COLUMNS` when it is a positive integer, else 80. */
const terminalWidth = (): number => {
  const columns = Number(process.env["COLUMNS"])
  return Number.isInteger(columns) && columns > 0 ? columns : 80
}

/**
 * Redraws `bar` every `interval` on Effect's Clock until the fiber ends, and
 * clears it then.
 *
 * @category constructors
 * @since 0.1.0
 */
export const run = (bar: ConsoleProgressBar, interval: Duration.Input): Effect.Effect<never> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => bar.refresh(now))).pipe(
    Effect.schedule(Schedule.spaced(interval)),
    Effect.forever,
    Effect.ensuring(Effect.sync(() => bar.clear()))
  )

/**
 * Starts the bar for a context, when `enabled`: its listener on the bus and
 * its redraw fiber in `scope` (the context's, closed by stop), timed by the
 * clock of `services`. Returns the bar, or `undefined` when it is off.
 *
 * @category constructors
 * @since 0.1.0
 */
export const start = (
  sc: { readonly conf: SparkConf.SparkConf; readonly addSparkListener: (listener: SparkListener) => void },
  services: Context.Context<never>,
  scope: Scope.Scope,
  writer: ProgressWriter = process.stderr
): Effect.Effect<ConsoleProgressBar | undefined, InvalidArgumentError> =>
  Effect.gen(function*() {
    const on = enabled(sc.conf, writer)
    if (on instanceof InvalidArgumentError) return yield* Effect.fail(on)
    const intervalMs = SparkConf.getTimeAsMs(sc.conf, "spark.ui.consoleProgress.update.interval", "200ms")
    if (intervalMs instanceof InvalidArgumentError) return yield* Effect.fail(intervalMs)
    if (!(intervalMs > 0)) {
      return yield* new InvalidArgumentError({
        method: "spark.ui.consoleProgress.update.interval",
        message: `spark.ui.consoleProgress.update.interval must be positive, got ${intervalMs} ms`
      })
    }
    if (!on) return undefined
    const bar = new ConsoleProgressBar(writer, terminalWidth())
    sc.addSparkListener(bar.listener)
    yield* Effect.forkIn(Effect.provideContext(run(bar, Duration.millis(intervalMs)), services), scope)
    return bar
  })
