import { Module } from '@nestjs/common';
import { ConsoleAccess } from './console-access';
import { ConsoleAssetsController } from './console-assets.controller';

/**
 * The console's shared parts: its stylesheet and script, and who may see a page. Imported by the modules
 * that render console pages (orders, deadletter), so a process (a Knative Service) that runs neither
 * carries none of it.
 */
@Module({ controllers: [ConsoleAssetsController], providers: [ConsoleAccess], exports: [ConsoleAccess] })
export class ConsoleModule {}
