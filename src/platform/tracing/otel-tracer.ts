import { ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { CloudEvent } from 'cloudevents';
import { eventTraceparent } from './trace-context';
import { HandlerTracer, TracedSubscription } from './handler-tracer';
import { TracingConfig } from './tracing.config';

/**
 * Exports one CONSUMER span per handler attempt over OTLP/HTTP (JSON), parented on the event's
 * `traceparent`. Loaded only when an endpoint is configured (see TracingModule). The provider is not
 * registered globally: several apps in one process (tests) keep their own.
 */
export class OtelHandlerTracer implements HandlerTracer {
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;

  constructor(config: TracingConfig & { OTEL_EXPORTER_OTLP_ENDPOINT: string }) {
    const exporter = new OTLPTraceExporter({ url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` });
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME }),
      spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY })],
    });
    this.tracer = this.provider.getTracer('order-events');
  }

  async run<T>(subscription: TracedSubscription, event: CloudEvent<unknown>, attempt: number, work: (traceparent: string) => Promise<T>): Promise<T> {
    const span = this.tracer.startSpan(
      `${subscription.name} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'cloudevents',
          'messaging.operation.type': 'process',
          'messaging.message.id': event.id,
          'cloudevents.event_type': event.type,
          'cloudevents.event_subject': event.subject ?? '',
          'order_events.module': subscription.subscriber,
          'order_events.subscription': subscription.name,
          'order_events.attempt': attempt,
        },
      },
      parentContext(eventTraceparent(event)),
    );
    try {
      // The span reaches the handler as CLS's traceparent, not as an OpenTelemetry context: no context manager needed.
      return await work(traceparentOf(span));
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

function parentContext(traceparent: string) {
  const [, traceId, spanId, flags] = traceparent.split('-');
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true });
}

function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}
