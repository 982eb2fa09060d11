import { DynamicModule, Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClsModule, ClsModuleOptions } from 'nestjs-cls';

/**
 * nestjs-cls's module, less the enhancers its root module registers when they are not mounted: a global guard
 * that lets everything through and a global interceptor that only calls `next.handle()`. Any global interceptor
 * puts every route and every event handler through Nest's rxjs interceptor chain; here the middleware opens
 * the context, so neither enhancer has work to do. Mounting them is refused rather than silently dropped.
 */
export function requestContextModule(options: ClsModuleOptions): DynamicModule {
  if (options.guard?.mount || options.interceptor?.mount) throw new Error('the request context is opened by middleware: ClsGuard and ClsInterceptor cannot be mounted');
  const module = ClsModule.forRoot(options);
  return { ...module, imports: module.imports?.map((imported) => (isDynamicModule(imported) ? withoutGlobalEnhancers(imported) : imported)) };
}

function withoutGlobalEnhancers(module: DynamicModule): DynamicModule {
  return { ...module, providers: module.providers?.filter((provider) => !isGlobalEnhancer(provider)) };
}

function isDynamicModule(value: unknown): value is DynamicModule {
  return typeof value === 'object' && value !== null && 'module' in value;
}

function isGlobalEnhancer(provider: Provider): boolean {
  return typeof provider === 'object' && 'provide' in provider && (provider.provide === APP_GUARD || provider.provide === APP_INTERCEPTOR);
}
