import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { AdminGuard } from './http/admin.guard';
import { ErrorFilter } from './http/error.filter';
import { customerAuthConfig } from './http/customers/customer-auth.config';
import { CustomerGuard } from './http/customers/customer.guard';
import { httpConfig } from './http/http.config';

/** What every entrypoint shares: configuration, the admin and customer guards and the error mapping. */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), ConfigModule.forFeature(httpConfig), ConfigModule.forFeature(customerAuthConfig)],
  providers: [AdminGuard, CustomerGuard, { provide: APP_FILTER, useClass: ErrorFilter }],
  exports: [AdminGuard, CustomerGuard, ConfigModule],
})
export class PlatformModule {}
