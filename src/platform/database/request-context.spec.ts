import { DynamicModule, Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { requestContextModule } from './request-context';

/** Every provider of a dynamic module and of the dynamic modules it imports, however deep. */
function providersOf(module: DynamicModule): Provider[] {
  const imported = (module.imports ?? []).filter((entry): entry is DynamicModule => typeof entry === 'object' && entry !== null && 'module' in entry);
  return [...(module.providers ?? []), ...imported.flatMap(providersOf)];
}

const tokens = (module: DynamicModule) => providersOf(module).map((provider) => (typeof provider === 'function' ? provider : provider.provide));

describe('the request context module', () => {
  const options = { global: true, middleware: { mount: true } };

  it('registers no global guard or interceptor, where nestjs-cls registers a pass-through of each', () => {
    expect(tokens(ClsModule.forRoot(options))).toEqual(expect.arrayContaining([APP_GUARD, APP_INTERCEPTOR]));
    expect(tokens(requestContextModule(options))).not.toContain(APP_GUARD);
    expect(tokens(requestContextModule(options))).not.toContain(APP_INTERCEPTOR);
  });

  it('keeps everything else nestjs-cls provides and exports', () => {
    const exportsOf = (module: DynamicModule) => [module.exports, ...(module.imports ?? []).map((entry) => (entry as DynamicModule).exports)];
    expect(tokens(requestContextModule(options))).toEqual(tokens(ClsModule.forRoot(options)).filter((token) => token !== APP_GUARD && token !== APP_INTERCEPTOR));
    expect(exportsOf(requestContextModule(options))).toEqual(exportsOf(ClsModule.forRoot(options)));
  });

  it('refuses to mount the guard or the interceptor it leaves out', () => {
    expect(() => requestContextModule({ ...options, guard: { mount: true } })).toThrow(/cannot be mounted/);
    expect(() => requestContextModule({ ...options, interceptor: { mount: true } })).toThrow(/cannot be mounted/);
  });
});
