#!/usr/bin/env node
/**
 * The `tspark` command: `tspark submit app.ts --master M --conf k=v` runs an
 * application with settings applied, `tspark executor --driver HOST:PORT`
 * starts an executor process. `tspark --help` lists the commands.
 *
 * @since 0.1.0
 */
import { main } from "./program.js"

void main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exit(code)
})
