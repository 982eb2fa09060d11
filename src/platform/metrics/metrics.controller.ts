import { Controller, Get, Header } from '@nestjs/common';
import { z } from 'zod';
import { Registry } from 'prom-client';
import { ApiOperation, PUBLIC_ACCESS } from '../http/api-docs/api-operation';

/** `/metrics`: this process's metrics in the Prometheus text format. */
@Controller()
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get('metrics')
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    tag: 'operations',
    summary: 'Prometheus metrics',
    description: 'Unauthenticated, like the probes (README "Security model").',
    access: PUBLIC_ACCESS,
    responses: { 200: { description: 'The Prometheus text format.', contentType: 'text/plain', schema: z.string() } },
  })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
