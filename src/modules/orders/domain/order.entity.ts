import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OrderStatus } from './order-status';

export interface OrderLine {
  sku: string;
  quantity: number;
  name?: string;
  price?: string;
}

@Entity({ schema: 'orders', name: 'orders' })
export class Order {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'user_id' })
  userId!: string;

  @Column('text')
  status!: OrderStatus;

  @Column('jsonb')
  items!: OrderLine[];

  /** Set once inventory has priced the order (minor units). */
  @Column('bigint', { name: 'total_minor', nullable: true, transformer: { to: (v?: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  totalMinor!: number | null;

  @Column('text')
  currency!: string;

  @Column('text', { name: 'payment_method' })
  paymentMethod!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
