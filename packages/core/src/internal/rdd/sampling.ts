// `takeSample`: a fixed-size sample, by sampling with a fraction large enough
// to give `num` elements 99.99% of the time (again, with another seed, when
// it did not), then shuffling the sample and taking `num`. Mirrors
// RDD.takeSample with SamplingUtils.computeFractionForSampleSize and
// Utils.randomizeInPlace; the sampling itself is `rdd.sample`
// (PartitionwiseSampledRDD).
import { Effect } from "effect"
import type { RDD, RDDError } from "../../rdd/RDD.js"
import { InvalidArgumentError } from "../../SparkError.js"
import { SeededRandom } from "../util/random.js"
import { collect, count } from "./actions.js"

const INT_MAX = 2147483647
const NUM_STDEV = 10
/** The largest sample Spark supports: `Int.MaxValue - (10 * sqrt(Int.MaxValue)).toInt`. */
export const MAX_SAMPLE_SIZE = INT_MAX - Math.trunc(NUM_STDEV * Math.sqrt(INT_MAX))

/** Spark's PoissonBounds.getUpperBound: a mean whose Poisson count is below `s` very rarely. */
const poissonUpperBound = (s: number): number => {
  const numStd = s < 6 ? 12 : s < 16 ? 9 : 6
  return Math.max(s + numStd * Math.sqrt(s), 1e-10)
}

/** Spark's BinomialBounds.getUpperBound: a rate whose `n` trials succeed fewer than `fraction * n` times with probability below `delta`. */
const binomialUpperBound = (delta: number, n: number, fraction: number): number => {
  const gamma = -Math.log(delta) / n
  return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)))
}

/** The sampling fraction that gives at least `num` of `total` elements 99.99% of the time. */
export const computeFractionForSampleSize = (num: number, total: number, withReplacement: boolean): number =>
  withReplacement ? poissonUpperBound(num) / total : binomialUpperBound(1e-4, total, num / total)

/** A signed 32-bit integer, as Scala's `Random.nextInt()`. */
const nextInt = (random: SeededRandom): number => Math.floor(random.nextDouble() * 4294967296) | 0

/** Shuffles in place (Fisher-Yates from the end, as Spark's `randomizeInPlace`). */
export const randomizeInPlace = <T>(values: Array<T>, random: SeededRandom): Array<T> => {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random.nextDouble() * (i + 1))
    const tmp = values[j]!
    values[j] = values[i]!
    values[i] = tmp
  }
  return values
}

const invalidNum = (num: number): InvalidArgumentError | undefined => {
  if (!Number.isInteger(num) || num < 0) {
    return new InvalidArgumentError({
      method: "takeSample",
      message: `num must be a non-negative integer (Negative number of elements requested), got ${num}`
    })
  }
  if (num > MAX_SAMPLE_SIZE) {
    return new InvalidArgumentError({
      method: "takeSample",
      message: `num ${num} is too large: cannot support a sample size > Int.MaxValue - 10.0 * math.sqrt(Int.MaxValue) (${MAX_SAMPLE_SIZE})`
    })
  }
  return undefined
}

export const takeSample = <T>(self: RDD<T>, withReplacement: boolean, num: number, seed: number): Effect.Effect<Array<T>, RDDError> =>
  Effect.gen(function*() {
    const error = invalidNum(num)
    if (error !== undefined) return yield* error
    if (!Number.isFinite(seed)) {
      return yield* new InvalidArgumentError({ method: "takeSample", message: `seed must be a finite number, got ${seed}` })
    }
    if (num === 0) return []
    const total = yield* count(self)
    if (total === 0) return []
    const random = new SeededRandom(seed)
    if (!withReplacement && num >= total) return randomizeInPlace(yield* collect(self), random)
    const fraction = computeFractionForSampleSize(num, total, withReplacement)
    let samples = yield* collect(self.sample(withReplacement, fraction, nextInt(random)))
    // Rare (the fraction leaves a 0.01% chance of too few): sample again with the next seed.
    for (let repeat = 0; samples.length < num; repeat++) {
      yield* Effect.logWarning(`Needed to re-sample due to insufficient sample size. Repeat #${repeat}`)
      samples = yield* collect(self.sample(withReplacement, fraction, nextInt(random)))
    }
    return randomizeInPlace(samples, random).slice(0, num)
  })
