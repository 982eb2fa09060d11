import { DataSource, QueryRunner } from 'typeorm';

/** Runs `work` in a transaction of its own on `dataSource`, committed when it resolves, rolled back when it throws. */
export async function inTransaction(dataSource: DataSource, work: (queryRunner: QueryRunner) => Promise<unknown>): Promise<QueryRunner> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.startTransaction();
  try {
    await work(queryRunner);
    await queryRunner.commitTransaction();
  } catch (error) {
    await queryRunner.rollbackTransaction();
    throw error;
  } finally {
    await queryRunner.release();
  }
  return queryRunner;
}
