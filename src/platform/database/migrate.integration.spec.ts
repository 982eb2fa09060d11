import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { EventsSchema1732500000000 } from '../../events/migrations/1732500000000-events-schema';
import { MODULE_NAMES, MODULES } from '../../modules';
import { migrate } from './migrate';

describe('migrating one database from several processes', () => {
  let db: TestDatabase;
  const dataSources: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
    await db?.drop();
  });

  /** A connection with the migrations one module's process knows: the events schema and its own. */
  async function processOf(module: (typeof MODULE_NAMES)[number]): Promise<DataSource> {
    const dataSource = new DataSource({ type: 'postgres', url: db.url, migrations: [EventsSchema1732500000000, ...MODULES[module].migrations], logging: false });
    dataSources.push(dataSource);
    return dataSource.initialize();
  }

  it('applies each module migration once when every module process starts at the same moment', async () => {
    const processes = await Promise.all(MODULE_NAMES.map(processOf));

    await Promise.all(processes.map(migrate));

    const schemas = await db.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname`, [[...MODULE_NAMES, 'events']]);
    expect(schemas.map((schema) => schema.nspname)).toEqual([...MODULE_NAMES, 'events'].sort());
    const applied = await db.query<{ name: string; count: string }>('SELECT name, count(*) FROM migrations GROUP BY name');
    expect(applied.every((row) => Number(row.count) === 1)).toBe(true);
    expect(applied).toHaveLength(1 + MODULE_NAMES.flatMap((module) => MODULES[module].migrations).length);
  });

  it('lets a process start on a database that holds other modules migrations it does not know', async () => {
    const payment = await processOf('payment');

    await expect(migrate(payment)).resolves.toEqual([]);
    expect(await payment.showMigrations()).toBe(false);
  });
});
