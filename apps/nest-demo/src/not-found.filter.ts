import { Catch, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';

/** Unknown paths answer `404 { "error": "not_found" }`, as in the other demos. */
@Catch(NotFoundException)
export class NotFoundFilter implements ExceptionFilter {
  catch(_exception: NotFoundException, host: ArgumentsHost): void {
    host.switchToHttp().getResponse().status(404).json({ error: 'not_found' });
  }
}
