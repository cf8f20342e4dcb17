/**
 * `tspark executor --driver HOST:PORT`: an executor process that connects to a
 * driver (master `tcp://HOST:PORT`, or one the driver spawned for
 * `local-process[N,C,M]`). The shared secret of an authenticating driver
 * comes from `--secret-file PATH` or the environment variable
 * `TSPARK_AUTH_SECRET`, never from the command line.
 *
 * Mirrors `org.apache.spark.executor.CoarseGrainedExecutorBackend`'s arguments.
 *
 * @since 0.1.0
 */
import { type Command, Option } from "commander"
import * as fs from "node:fs"
import * as CoarseGrainedExecutorBackend from "../executor/CoarseGrainedExecutorBackend.js"
import { InvalidArgumentError } from "../SparkError.js"
import * as SecurityManager from "../SecurityManager.js"
import * as Logging from "../util/Logging.js"
import { tsparkVersion } from "../internal/version.js"

const help = `
The shared secret of a driver with spark.authenticate=true comes from --secret-file PATH (the file's content,
trimmed) or the environment variable ${SecurityManager.secretEnvVar}; never from the command line, where ps shows it.
--tls-ca PATH connects over TLS (a driver with spark.ssl.enabled=true), verifying the driver's certificate against
the PEM file PATH (the driver's spark.ssl.caFile, or its certificate when self-signed).
Log lines go to stderr, as ${Logging.keys.levelEnv} and ${Logging.keys.formatEnv} say (inherited from the driver).`

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

interface ExecutorOptions {
  readonly driver: string
  readonly cores: string
  readonly memory: string
  readonly executorId?: string
  readonly localDir?: string
  readonly secretFile?: string
  readonly tlsCa?: string
  readonly secret?: string
}

const run = (command: Command, options: ExecutorOptions): void => {
  const fail = (message: string): never => command.error(`tspark executor: ${message}`, { exitCode: 2 })
  if (options.secret !== undefined) {
    fail("unknown option --secret (a secret on the command line is visible to every user through ps: use --secret-file PATH)")
  }
  const driver = /^(.+):(\d+)$/.exec(options.driver)
  if (driver === null) fail(`--driver must be HOST:PORT, got "${options.driver}"`)
  const cores = Number(options.cores)
  const memoryMb = Number(options.memory)
  if (!Number.isInteger(cores) || cores < 1 || !(memoryMb > 0)) {
    fail("--cores must be a positive integer and --memory a positive number of MiB")
  }
  const logSettings = Logging.readSettings(new Map())
  if (logSettings instanceof InvalidArgumentError) fail(logSettings.message)
  let tlsCa: string | undefined
  try {
    tlsCa = options.tlsCa === undefined ? undefined : fs.readFileSync(options.tlsCa, "utf8")
  } catch (error) {
    fail(`--tls-ca ${options.tlsCa} could not be read (${(error as Error).message}): give a PEM file`)
  }
  const secret = readSecret(options.secretFile)
  if ("error" in secret) return fail(secret.error)
  CoarseGrainedExecutorBackend.run({
    driverHost: driver![1]!,
    driverPort: Number(driver![2]),
    executorId: options.executorId ?? `exec-${process.pid}`,
    cores,
    memoryBytes: Math.floor(memoryMb * 1024 * 1024 * 0.6),
    ...(options.localDir === undefined ? {} : { localDir: options.localDir }),
    ...(secret.secret === undefined ? {} : { secret: secret.secret }),
    ...(tlsCa === undefined ? {} : { tlsCa })
  })
}

/**
 * Adds `tspark executor` to the program.
 *
 * @category constructors
 * @since 0.1.0
 */
export const define = (program: Command): void => {
  const command = program.command("executor")
    .description("run an executor process for the driver at HOST:PORT")
    .version(tsparkVersion, "-V, --version", "print the version and exit")
    .requiredOption("--driver <HOST:PORT>", "the driver's address")
    .option("--cores <N>", "task slots", "1")
    .option("--memory <MB>", "memory in MiB (60% of it for blocks)", "1024")
    .option("--executor-id <ID>", "the executor's id (default exec-<pid>)")
    .option("--local-dir <DIR>", "the block store's directory")
    .option("--secret-file <PATH>", "a file holding the driver's shared secret")
    .option("--tls-ca <PATH>", "connect over TLS, trusting this PEM certificate")
    // Refused with a hint: a secret on the command line is visible through ps.
    .addOption(new Option("--secret <SECRET>").hideHelp())
    .addHelpText("after", help)
  command.action((options: ExecutorOptions) => run(command, options))
}
