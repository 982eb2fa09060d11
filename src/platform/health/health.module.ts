import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { healthConfig } from './health.config';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

@Module({
  imports: [ConfigModule.forFeature(healthConfig)],
  controllers: [HealthController],
  providers: [Readiness],
})
export class HealthModule {}
