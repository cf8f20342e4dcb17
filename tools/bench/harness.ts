/**
 * The benchmarks' shared harness, for a noisy machine (2 cores shared with
 * other work, where the same loop takes 1.0 s in one run and 1.9 s in the
 * next):
 *   - sides (the engine and its baselines) run in interleaved rounds, each
 *     round taking every side once in a rotated order, so a slow spell of
 *     the machine falls on all sides alike rather than on whichever ran then;
 *   - each sample runs by default in a fresh child process (this script
 *     again, with `--sample <side>`), so the JIT and GC state one side leaves
 *     behind does not help or hurt the next;
 *   - per side it prints min and median, the ratio of medians against each
 *     baseline, and the 1-minute load average at start and end.
 *
 * A benchmark script calls `runBenchmark` at its top level; in a child it
 * runs the one requested sample and prints it as a JSON line.
 */
import { spawn } from "node:child_process"
import * as os from "node:os"

/** One measurement of one side: `value` is what the ratios compare (lower is better unless the side says otherwise). */
export interface Sample {
  readonly value: number
  /** Must be equal across the sides of a benchmark (a word count, say): a side that computed something else fails the run. */
  readonly check?: string | number
  /** Further figures to summarize per side (latencies, say), by name. */
  readonly extra?: Readonly<Record<string, ReadonlyArray<number>>>
}

export interface Side {
  readonly name: string
  readonly sample: () => Promise<Sample>
  /** A baseline the other sides' ratios are taken against. */
  readonly baseline?: boolean
}

export interface BenchmarkOptions {
  readonly title: string
  readonly rounds: number
  /** Run every sample in this process instead of one child process per sample. */
  readonly inProcess: boolean
  /** What `value` measures, for the printout ("ms", "us/task"). */
  readonly unit: string
  /** Whether a larger value is better (a rate) or a smaller one (a time). */
  readonly higherIsBetter: boolean
  /** How a ratio of medians reads, e.g. "baseline time / engine time". */
  readonly ratioLabel: string
}

export interface SideSummary {
  readonly name: string
  readonly values: ReadonlyArray<number>
  readonly min: number
  readonly median: number
  readonly extra: Readonly<Record<string, ReadonlyArray<number>>>
}

// ------------------------------------------------------------ statistics

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export const median = (values: ReadonlyArray<number>): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The `p`th percentile (0-100) by nearest rank: the smallest value with at least p% of values at or below it. */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

/**
 * The order samples run in: `rounds` rounds, each taking every side once;
 * round r starts at side r (mod the count), so no side always goes first
 * or always follows the same neighbour. Pairs of [round, side index].
 */
export const interleavedOrder = (sides: number, rounds: number): ReadonlyArray<readonly [number, number]> => {
  const order: Array<readonly [number, number]> = []
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sides; i++) order.push([round, (round + i) % sides])
  }
  return order
}

/** `baseline / side` for times (a throughput ratio: 0.9 means 90% of the baseline's rate), `side / baseline` for rates. */
export const throughputRatio = (side: number, baseline: number, higherIsBetter: boolean): number =>
  higherIsBetter ? side / baseline : baseline / side

// ------------------------------------------------------------ arguments

/** The value after `--name`, or `fallback`. */
export const argument = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback
}

/** A numeric `--name` argument; a value that is not a positive number stops the run saying so. */
export const numberArgument = (name: string, fallback: number): number => {
  const value = Number(argument(name, String(fallback)))
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${argument(name, "")}`)
  return value
}

export const flag = (name: string): boolean => process.argv.includes(`--${name}`)

// ------------------------------------------------------------ running

const SAMPLE_MARKER = "@@tspark-bench-sample "

/**
 * Runs one sample of `side` in a fresh node (with this process's loader
 * flags: tsx), returning what it printed. The child's logs are shown only
 * when it fails.
 */
const sampleInChild = (side: string): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const args = [...process.execArgv, ...process.argv.slice(1), "--sample", side]
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (out += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(SAMPLE_MARKER))
      if (code !== 0 || line === undefined) {
        reject(new Error(`sample of ${side} exited with ${code}; its output:\n${out}`))
        return
      }
      resolve(JSON.parse(line.slice(SAMPLE_MARKER.length)) as Sample)
    })
  })

const format = (value: number, unit: string) => `${value >= 100 ? value.toFixed(0) : value.toPrecision(3)} ${unit}`

const load = () => os.loadavg()[0]!.toFixed(2)

/**
 * Runs `sides` in interleaved rounds and prints the summary; returns it per
 * side. In a child started by the harness (`--sample <side>`) it runs that
 * sample only, prints it and returns undefined.
 */
export const runBenchmark = async (
  sides: ReadonlyArray<Side>,
  options: BenchmarkOptions
): Promise<ReadonlyArray<SideSummary> | undefined> => {
  const requested = process.argv.indexOf("--sample")
  if (requested >= 0) {
    const name = process.argv[requested + 1]
    const side = sides.find((s) => s.name === name)
    if (side === undefined) throw new Error(`no side named ${name}; sides: ${sides.map((s) => s.name).join(", ")}`)
    console.log(SAMPLE_MARKER + JSON.stringify(await side.sample()))
    return undefined
  }
  console.log(
    `${options.title}\n${options.rounds} interleaved rounds, ${
      options.inProcess ? "all samples in this process" : "one child process per sample"
    }, node ${process.version}, ${os.cpus().length} cores, load average ${load()} at start`
  )
  const samples = sides.map(() => [] as Array<Sample>)
  for (const [round, index] of interleavedOrder(sides.length, options.rounds)) {
    const side = sides[index]!
    const sample = options.inProcess ? await side.sample() : await sampleInChild(side.name)
    samples[index]!.push(sample)
    console.log(`  round ${round + 1} ${side.name.padEnd(40)} ${format(sample.value, options.unit)}`)
  }
  const checks = new Set(samples.flat().map((s) => s.check).filter((c) => c !== undefined))
  if (checks.size > 1) throw new Error(`the sides disagree: ${[...checks].join(" vs ")}`)
  const summaries = sides.map((side, i): SideSummary => {
    const values = samples[i]!.map((s) => s.value)
    const extra: Record<string, Array<number>> = {}
    for (const s of samples[i]!) {
      for (const [key, list] of Object.entries(s.extra ?? {})) (extra[key] ??= []).push(...list)
    }
    return { name: side.name, values, min: Math.min(...values), median: median(values), extra }
  })
  const baselines = summaries.filter((_, i) => sides[i]!.baseline === true)
  console.log(`\n${"side".padEnd(40)} ${"min".padStart(16)} ${"median".padStart(16)}   ratio of medians (${options.ratioLabel})`)
  for (const summary of summaries) {
    const ratios = baselines
      .filter((b) => b !== summary)
      .map((b) => `${throughputRatio(summary.median, b.median, options.higherIsBetter).toFixed(2)} of ${b.name}`)
    console.log(
      `${summary.name.padEnd(40)} ${format(summary.min, options.unit).padStart(16)} ${
        format(summary.median, options.unit).padStart(16)
      }   ${ratios.join(", ")}`
    )
  }
  for (const summary of summaries) {
    for (const [key, values] of Object.entries(summary.extra)) {
      console.log(
        `${summary.name.padEnd(40)} ${key}: median ${median(values).toPrecision(3)}, p99 ${percentile(values, 99).toPrecision(3)}, ` +
          `max ${Math.max(...values).toPrecision(3)} (${values.length} values over all rounds)`
      )
    }
  }
  if (checks.size === 1) console.log(`every side computed ${[...checks][0]}`)
  console.log(`load average ${load()} at end`)
  return summaries
}
