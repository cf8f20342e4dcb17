#!/usr/bin/env node
/**
 * The `tspark` command. `tspark executor --driver HOST:PORT` starts an
 * executor process that connects to a driver (master `tcp://HOST:PORT`, or
 * one the driver spawned for `local-process[N,C,M]`).
 *
 * @since 0.1.0
 */
import * as CoarseGrainedExecutorBackend from "../executor/CoarseGrainedExecutorBackend.js"

const usage = `usage: tspark executor --driver HOST:PORT [--cores N] [--memory MB] [--executor-id ID] [--local-dir DIR]`

const main = (argv: ReadonlyArray<string>): number => {
  const [command, ...rest] = argv
  if (command !== "executor") {
    console.error(usage)
    return 2
  }
  const options = new Map<string, string>()
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i]!
    const value = rest[i + 1]
    if (!key.startsWith("--") || value === undefined) {
      console.error(`tspark executor: expected --option value pairs, got "${key}"\n${usage}`)
      return 2
    }
    options.set(key.slice(2), value)
  }
  const driver = /^(.+):(\d+)$/.exec(options.get("driver") ?? "")
  if (driver === null) {
    console.error(`tspark executor: --driver must be HOST:PORT, got "${options.get("driver") ?? ""}"\n${usage}`)
    return 2
  }
  const cores = Number(options.get("cores") ?? "1")
  const memoryMb = Number(options.get("memory") ?? "1024")
  if (!Number.isInteger(cores) || cores < 1 || !(memoryMb > 0)) {
    console.error(`tspark executor: --cores must be a positive integer and --memory a positive number of MiB\n${usage}`)
    return 2
  }
  const localDir = options.get("local-dir")
  CoarseGrainedExecutorBackend.run({
    driverHost: driver[1]!,
    driverPort: Number(driver[2]),
    executorId: options.get("executor-id") ?? `exec-${process.pid}`,
    cores,
    memoryBytes: Math.floor(memoryMb * 1024 * 1024 * 0.6),
    ...(localDir === undefined ? {} : { localDir })
  })
  return 0
}

const code = main(process.argv.slice(2))
if (code !== 0) process.exit(code)
