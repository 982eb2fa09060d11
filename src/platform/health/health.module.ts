import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { healthConfig } from './health.config';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';
import { ReadinessChecks } from './readiness-checks';

/** The probes. Global: the layers above register their readiness checks on the ReadinessChecks it exports. */
@Global()
@Module({
  imports: [ConfigModule.forFeature(healthConfig)],
  controllers: [HealthController],
  providers: [Readiness, ReadinessChecks],
  exports: [ReadinessChecks],
})
export class HealthModule {}
