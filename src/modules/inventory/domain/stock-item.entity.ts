import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

const bigintAsNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

@Entity({ schema: 'inventory', name: 'stock' })
export class StockItem {
  @PrimaryColumn('text')
  sku!: string;

  @Column('text')
  name!: string;

  @Column('bigint', { name: 'price_minor', transformer: bigintAsNumber })
  priceMinor!: number;

  @Column('integer')
  available!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
