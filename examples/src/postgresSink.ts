/**
 * A `TransactionalSink` for PostgreSQL through a `pg.Pool`: each partition
 * takes a pooled client, `BEGIN`s, claims its commit marker with
 * `INSERT ... ON CONFLICT DO NOTHING` into a table whose primary key is
 * (output, batch_time, part), and commits or rolls back. A second attempt
 * at the same marker while the first is still open waits on the primary
 * key until the first ends: after its commit it claims nothing, after its
 * rollback it writes.
 */
import type { TransactionalOutput } from "@tspark/streaming"
import type pg from "pg"

/** The default name of the marker table. */
export const commitsTable = "tspark_output_commits"

/** Creates the marker table if it is missing. */
export const createCommitsTable = async (pool: pg.Pool, table = commitsTable): Promise<void> => {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
       output text NOT NULL,
       batch_time bigint NOT NULL,
       part integer NOT NULL,
       committed_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (output, batch_time, part)
     )`
  )
}

/** The sink over `pool`, claiming markers in `table` (created by `createCommitsTable`). */
export const postgresSink = (pool: pg.Pool, table = commitsTable): TransactionalOutput.TransactionalSink<pg.PoolClient> => ({
  begin: async () => {
    const client = await pool.connect()
    try {
      await client.query("BEGIN")
    } catch (error) {
      client.release(true)
      throw error
    }
    return client
  },
  claim: async (client, marker) => {
    const inserted = await client.query(
      `INSERT INTO ${table} (output, batch_time, part) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [marker.output, marker.batchTime, marker.partition]
    )
    return inserted.rowCount === 1
  },
  commit: async (client) => {
    await client.query("COMMIT")
  },
  rollback: async (client) => {
    await client.query("ROLLBACK")
  },
  // After a failure the connection may be in any state: the pool closes it rather than lend it again.
  release: (client, error) => client.release(error !== undefined)
})
