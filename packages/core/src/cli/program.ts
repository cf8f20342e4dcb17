/**
 * The `tspark` command line, one definition per subcommand (`executor`,
 * `submit`, `history`). Built on
 * commander: `--help` and `--version` on every command, unknown options and
 * bad values refused with the command's usage and exit code 2. Output goes to
 * `process.stdout`/`process.stderr` explicitly (library code logs through
 * Effect's Logger instead).
 *
 * Mirrors Spark's launcher scripts (`bin/spark-submit`, `bin/spark-class`).
 *
 * @since 0.1.0
 */
import { Command, CommanderError } from "commander"
import { tsparkVersion } from "../internal/version.js"
import * as executorCommand from "./executorCommand.js"
import * as historyCommand from "./historyCommand.js"
import * as submitCommand from "./submitCommand.js"

/**
 * A subcommand: `define` adds it to the program (through `program.command`,
 * so it inherits the program's output and error settings).
 *
 * @category models
 * @since 0.1.0
 */
export interface CommandDefinition {
  readonly define: (program: Command) => void
}

/**
 * The subcommands, in the order `tspark --help` lists them.
 *
 * @category models
 * @since 0.1.0
 */
export const commands: ReadonlyArray<CommandDefinition> = [submitCommand, executorCommand, historyCommand]

/**
 * The exit code of a usage error (an unknown option, a bad value), as the
 * shell's builtins use it.
 *
 * @category models
 * @since 0.1.0
 */
export const usageExitCode = 2

/**
 * Builds the program; `parseAsync` runs it. Help and version exit 0, usage
 * errors throw a `CommanderError` with exit code 2 (see `main`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeProgram = (): Command => {
  const program = new Command("tspark")
    .description("tspark: Apache Spark Streaming's architecture in TypeScript")
    .version(tsparkVersion, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .configureOutput({
      writeOut: (text) => void process.stdout.write(text),
      writeErr: (text) => void process.stderr.write(text)
    })
    .showHelpAfterError()
    .exitOverride()
  for (const command of commands) command.define(program)
  return program
}

/**
 * Runs the command line `argv` (without node and the script); resolves with
 * the exit code when the command is done (`executor` runs on after it
 * resolves, until its driver goes).
 *
 * @category constructors
 * @since 0.1.0
 */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const program = makeProgram()
  try {
    await program.parseAsync([...argv], { from: "user" })
    return typeof process.exitCode === "number" ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; help shown for a missing command is a usage error.
      const done = error.code === "commander.helpDisplayed" || error.code === "commander.version"
      return done ? 0 : error.exitCode === 1 ? usageExitCode : error.exitCode
    }
    process.stderr.write(`tspark: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    return 1
  }
}
