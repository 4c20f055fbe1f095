import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class SettingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async get(name: string): Promise<string | null> {
    const rows = await this.dataSource.query(`SELECT value FROM settings WHERE name = $1`, [name]);
    return rows[0]?.value ?? null;
  }

  /** Sets the value unless one exists; returns the value now stored (first writer wins). */
  async putIfAbsent(name: string, value: string): Promise<string> {
    await this.dataSource.query(`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
      name,
      value,
    ]);
    return (await this.get(name)) as string;
  }
}
