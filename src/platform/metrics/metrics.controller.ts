import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';

/** `/metrics`: this process's metrics in the Prometheus text format. */
@Controller()
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get('metrics')
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
