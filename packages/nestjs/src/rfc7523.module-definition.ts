import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { Rfc7523ModuleOptions } from './module-options.js';
import { RFC7523_OPTIONS } from './tokens.js';

/** Extra options of `forRoot` / `forRootAsync` that shape the module rather than the engine. */
export interface Rfc7523ModuleExtras {
  /** Make the engine injectable in every module without importing `Rfc7523Module`. Default false. */
  isGlobal: boolean;
}

/** The generated base of `Rfc7523Module` (`forRoot` / `forRootAsync`) and the types of their arguments. */
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<Rfc7523ModuleOptions>({
  optionsInjectionToken: RFC7523_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<Rfc7523ModuleExtras>({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** Argument of `Rfc7523Module.forRoot`: {@link Rfc7523ModuleOptions} plus `isGlobal` (default false). */
export type Rfc7523ModuleForRootOptions = typeof OPTIONS_TYPE;

/**
 * Argument of `Rfc7523Module.forRootAsync`: `useFactory` + `inject` (or `useClass` / `useExisting` with a
 * `create()` method) resolving {@link Rfc7523ModuleOptions}, `imports`, and `isGlobal` (default false).
 */
export type Rfc7523ModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
