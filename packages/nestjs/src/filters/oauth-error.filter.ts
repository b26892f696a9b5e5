import { Catch } from '@nestjs/common';
import { OAuthError } from '@rfc7523/core';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';

/**
 * The app-wide safety net `Rfc7523Module` registers (`APP_FILTER`): catches OAuthErrors only and answers
 * them as RFC 6749 §5.2 / RFC 6750 §3 JSON, so a guard used without `@UseFilters(OAuthExceptionFilter)`
 * still never reaches Nest's default handler. Every other error is left to your filters.
 */
@Catch(OAuthError)
export class OAuthErrorFilter extends OAuthExceptionFilter {}
