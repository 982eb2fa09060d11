import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DeliveryMetrics } from './delivery-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { OrdersMetrics } from './orders-metrics';
import { OutboxMetrics } from './outbox-metrics';

export interface MetricsOptions {
  /** Whether the orders module runs in this process (then `orders_by_status` is exposed). */
  orders: boolean;
}

/**
 * Prometheus metrics on a registry owned by this app instance (never prom-client's global one, so several
 * apps in one process do not collide), served at `GET /metrics`. Global: the event bus records deliveries
 * through the DeliveryMetrics it exports.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot({ orders }: MetricsOptions): DynamicModule {
    const registry: Provider = {
      provide: Registry,
      useFactory: () => {
        const register = new Registry();
        collectDefaultMetrics({ register });
        return register;
      },
    };
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [registry, DeliveryMetrics, OutboxMetrics, HttpMetrics, ...(orders ? [OrdersMetrics] : [])],
      exports: [Registry, DeliveryMetrics],
    };
  }
}
