import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ExplainOption } from '@rfc7523/core';
import { withExplain } from './explain/explain-module.js';
import type { Rfc7523ModuleOptions } from './module-options.js';
import { RFC7523_OPTIONS } from './tokens.js';

/** Extra options of `forRoot` / `forRootAsync` that shape the module rather than the engine. */
export interface Rfc7523ModuleExtras {
  /** Make the engine injectable in every module without importing `Rfc7523Module`. Default false. */
  isGlobal: boolean;
  /**
   * The explain page (`GET`) and its dry-run endpoint (`POST`) at `/explain` (docs/explain.md): `true` for
   * the defaults, or ExplainOptions (path, rate limits); validated when `forRoot` is called. Default false: off (404).
   */
  explain: ExplainOption;
}

/** The generated base of `Rfc7523Module` (`forRoot` / `forRootAsync`) and the types of their arguments. */
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<Rfc7523ModuleOptions>({
  optionsInjectionToken: RFC7523_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<Rfc7523ModuleExtras>({ isGlobal: false, explain: false }, (definition, extras) => withExplain({ ...definition, global: extras.isGlobal }, extras.explain))
  .build();

/** Argument of `Rfc7523Module.forRoot`: {@link Rfc7523ModuleOptions} plus `isGlobal` and `explain` (default false). */
export type Rfc7523ModuleForRootOptions = typeof OPTIONS_TYPE;

/**
 * Argument of `Rfc7523Module.forRootAsync`: `useFactory` + `inject` (or `useClass` / `useExisting` with a
 * `create()` method) resolving {@link Rfc7523ModuleOptions}, `imports`, `isGlobal` and `explain` (default false).
 */
export type Rfc7523ModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
