#!/usr/bin/env node
/**
 * The `tspark` command. `tspark executor --driver HOST:PORT` starts an
 * executor process that connects to a driver (master `tcp://HOST:PORT`, or
 * one the driver spawned for `local-process[N,C,M]`). The shared secret of an
 * authenticating driver comes from `--secret-file PATH` or the environment
 * variable `TSPARK_AUTH_SECRET`, never from the command line.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as CoarseGrainedExecutorBackend from "../executor/CoarseGrainedExecutorBackend.js"
import * as SecurityManager from "../SecurityManager.js"

const usage = `usage: tspark executor --driver HOST:PORT [--cores N] [--memory MB] [--executor-id ID] [--local-dir DIR]
                      [--secret-file PATH] [--tls-ca PATH]
  The shared secret of a driver with spark.authenticate=true comes from --secret-file PATH (the file's content,
  trimmed) or the environment variable ${SecurityManager.secretEnvVar}; never from the command line, where ps shows it.
  --tls-ca PATH connects over TLS (a driver with spark.ssl.enabled=true), verifying the driver's certificate against
  the PEM file PATH (the driver's spark.ssl.caFile, or its certificate when self-signed).`

/** The secret from --secret-file or the environment (removed from it, so tasks do not see it), or why it cannot be read. */
const readSecret = (file: string | undefined): { readonly secret: string | undefined } | { readonly error: string } => {
  const fromEnv = process.env[SecurityManager.secretEnvVar]
  delete process.env[SecurityManager.secretEnvVar]
  let secret = fromEnv
  if (file !== undefined) {
    try {
      secret = fs.readFileSync(file, "utf8").trim()
    } catch (error) {
      return { error: `--secret-file ${file} could not be read (${(error as Error).message}): give a readable file` }
    }
  }
  if (secret !== undefined && secret.length < SecurityManager.minSecretLength) {
    return { error: `the secret must have at least ${SecurityManager.minSecretLength} characters (the driver's is as long)` }
  }
  return { secret }
}

const known = new Set(["driver", "cores", "memory", "executor-id", "local-dir", "secret-file", "tls-ca"])

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
    if (!known.has(key.slice(2))) {
      const hint = key === "--secret" ? " (a secret on the command line is visible to every user through ps: use --secret-file PATH)" : ""
      console.error(`tspark executor: unknown option ${key}${hint}\n${usage}`)
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
  const tlsCaFile = options.get("tls-ca")
  let tlsCa: string | undefined
  try {
    tlsCa = tlsCaFile === undefined ? undefined : fs.readFileSync(tlsCaFile, "utf8")
  } catch (error) {
    console.error(`tspark executor: --tls-ca ${tlsCaFile} could not be read (${(error as Error).message}): give a PEM file`)
    return 2
  }
  const secret = readSecret(options.get("secret-file"))
  if ("error" in secret) {
    console.error(`tspark executor: ${secret.error}\n${usage}`)
    return 2
  }
  CoarseGrainedExecutorBackend.run({
    driverHost: driver[1]!,
    driverPort: Number(driver[2]),
    executorId: options.get("executor-id") ?? `exec-${process.pid}`,
    cores,
    memoryBytes: Math.floor(memoryMb * 1024 * 1024 * 0.6),
    ...(localDir === undefined ? {} : { localDir }),
    ...(secret.secret === undefined ? {} : { secret: secret.secret }),
    ...(tlsCa === undefined ? {} : { tlsCa })
  })
  return 0
}

const code = main(process.argv.slice(2))
if (code !== 0) process.exit(code)
