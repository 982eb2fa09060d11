import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HANDLER_TRACER, HandlerTracer, UntracedHandlers } from './handler-tracer';
import { TracingConfig, tracingConfig } from './tracing.config';

/**
 * The tracer the event router runs handler attempts in. Without OTEL_EXPORTER_OTLP_ENDPOINT the
 * OpenTelemetry SDK is never loaded (the import below is dynamic), so tracing off costs nothing.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(tracingConfig)],
  providers: [
    {
      provide: HANDLER_TRACER,
      inject: [tracingConfig.KEY],
      useFactory: async (config: TracingConfig): Promise<HandlerTracer> => {
        const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
        if (!endpoint) return new UntracedHandlers();
        const { OtelHandlerTracer } = await import('./otel-tracer');
        return new OtelHandlerTracer({ ...config, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
      },
    },
  ],
  exports: [HANDLER_TRACER],
})
export class TracingModule implements OnApplicationShutdown {
  constructor(@Inject(HANDLER_TRACER) private readonly tracer: HandlerTracer) {}

  /** After the bus drained (beforeApplicationShutdown): exports the last spans. */
  onApplicationShutdown(): Promise<void> {
    return this.tracer.shutdown();
  }
}
