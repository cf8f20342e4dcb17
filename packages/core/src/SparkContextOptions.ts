/**
 * The options `SparkContext.make` takes: a master, an application name and
 * Spark configuration entries.
 *
 * @since 0.1.0
 */
import type * as SparkConf from "./SparkConf.js"

/**
 * Options of a context: the master, an application name and any Spark
 * configuration entries.
 *
 * @category models
 * @since 0.1.0
 */
export interface SparkContextOptions {
  /** A master URL (see `SparkConf.parseMaster`): `local[N]`, `local-cluster[N,C,M]`, `tcp://HOST:PORT`, ... Default `local[*]`. */
  readonly master?: string
  readonly appName?: string
  readonly conf?: Readonly<Record<string, string | number | boolean>> | SparkConf.SparkConf
}
