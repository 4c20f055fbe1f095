import { DataSource } from 'typeorm';
import { createDataSource } from '@app/database';
import { createTestDatabase, TestDatabase } from '../support/database';

// The migrations are the schema's truth (never synchronize); the entities are how the code reads it.
// This holds each entity of the DataSource to the migrated schema of the template, column by column
// (name, type, nullability, primary key), and every table of that schema to an entity, so an entity
// that drifts from a migration, or a table added without one, fails here instead of at a query.

/** An array column's element type by its SQL name (information_schema gives `_int4` for `integer[]`). */
function arrayElement(udtName: string): string {
  const element = udtName.slice(1);
  return ({ int4: 'integer', int8: 'bigint', bool: 'boolean' } as Record<string, string>)[element] ?? element;
}

/** `table.column` → e.g. `timestamp with time zone NOT NULL`, `text[]`, `uuid NOT NULL PRIMARY KEY`. */
type Columns = Record<string, string>;

const shape = (type: string, nullable: boolean, primary: boolean): string => `${type}${nullable ? '' : ' NOT NULL'}${primary ? ' PRIMARY KEY' : ''}`;

describe('entities and the migrated schema', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let schema: Columns;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, 1).initialize();
    const rows = await db.query<{ table: string; column: string; data_type: string; udt_name: string; is_nullable: string; primary: boolean }>(
      `SELECT c.table_name AS table, c.column_name AS column, c.data_type, c.udt_name, c.is_nullable,
              EXISTS (SELECT 1 FROM information_schema.table_constraints t
                        JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema
                       WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema
                         AND k.table_name = c.table_name AND k.column_name = c.column_name) AS primary
         FROM information_schema.columns c
        WHERE c.table_schema = 'public' AND c.table_name <> 'migrations'`,
    );
    // An array's data_type is just ARRAY; its element type is the udt name without the leading underscore.
    schema = Object.fromEntries(
      rows.map((r) => [`${r.table}.${r.column}`, shape(r.data_type === 'ARRAY' ? `${arrayElement(r.udt_name)}[]` : r.data_type, r.is_nullable === 'YES', r.primary)]),
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const schemaTables = (): string[] => [...new Set(Object.keys(schema).map((key) => key.split('.')[0]))].sort();

  it('has exactly one entity for every table of the migrated schema, and none for a table it lacks', () => {
    expect(schemaTables().length).toBeGreaterThan(20);
    const tables = dataSource.entityMetadatas.map((m) => m.tableName).sort();
    expect(new Set(tables).size).toBe(tables.length);
    expect(tables).toEqual(schemaTables());
  });

  it('gives every entity the columns of its table: name, type, nullability and primary key', () => {
    const ofEntities: Columns = {};
    for (const metadata of dataSource.entityMetadatas) {
      for (const c of metadata.columns) {
        // normalizeType gives PostgreSQL's own names (timestamptz → timestamp with time zone, int → integer).
        const type = dataSource.driver.normalizeType(c);
        ofEntities[`${metadata.tableName}.${c.databaseName}`] = shape(c.isArray ? `${type}[]` : type, c.isNullable, c.isPrimary);
      }
    }
    // Tables without an entity are the test above's to name; every difference of the others shows here at once.
    const mapped = new Set(dataSource.entityMetadatas.map((m) => m.tableName));
    const ofSchema = Object.fromEntries(Object.entries(schema).filter(([key]) => mapped.has(key.split('.')[0])));
    expect(ofEntities).toEqual(ofSchema);
  });
});
