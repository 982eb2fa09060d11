import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { AdminGuard } from './http/admin.guard';
import { ErrorFilter } from './http/error.filter';
import { httpConfig } from './http/http.config';

/** What every entrypoint shares: configuration, the admin guard and the error mapping. */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), ConfigModule.forFeature(httpConfig)],
  providers: [AdminGuard, { provide: APP_FILTER, useClass: ErrorFilter }],
  exports: [AdminGuard, ConfigModule],
})
export class PlatformModule {}
