import {
  Body,
  Controller,
  HttpCode,
  HttpException,
  Inject,
  Logger,
  Post,
  Req,
  type Type,
} from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS, FEISHU_DEFAULT_EVENTS_PATH } from '../feishu-auth.constants.js';
import { FeishuEventRejectedError } from '../feishu-auth.errors.js';
import { toFeishuHttpException } from '../feishu-auth.http-errors.js';
import { eventsWithoutRawBodyMessage } from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { assertEventsAuthenticated } from '../options/events.options.js';
import {
  type FeishuEventAck,
  FeishuEventHandler,
  type FeishuEventHeaders,
} from './feishu-event.handler.js';

interface EventRequest {
  headers: FeishuEventHeaders;
  rawBody?: Buffer;
}

/**
 * `POST /feishu/events`: Feishu's event request URL for store apps (app_ticket). Add it to a
 * module's `controllers`, or pass `eventsPath` to `FeishuAuthModule.forRoot` to mount it elsewhere.
 * Create the app with `{ rawBody: true }` (Express or Fastify) so signatures are checked over the
 * exact bytes received; without it the controller warns once, at the first event.
 * The app does not boot unless `events.verificationToken` or `events.encryptKey` is set.
 *
 * @publicApi
 */
@Controller(FEISHU_DEFAULT_EVENTS_PATH)
export class FeishuEventsController {
  private readonly logger = new Logger(FeishuEventsController.name);
  private warnedWithoutRawBody = false;

  /** Refuses to boot (`FeishuConfigError`) when neither a Verification Token nor an Encrypt Key is set. */
  constructor(
    @Inject(FeishuEventHandler) private readonly events: FeishuEventHandler,
    @Inject(FEISHU_AUTH_OPTIONS) options: ResolvedFeishuAuthOptions,
  ) {
    assertEventsAuthenticated(options, '"eventsPath" (FeishuEventsController)');
  }

  @Post()
  @HttpCode(200)
  async receive(@Body() body: unknown, @Req() request: EventRequest): Promise<FeishuEventAck> {
    if (request.rawBody === undefined && !this.warnedWithoutRawBody) {
      this.warnedWithoutRawBody = true;
      this.logger.warn(eventsWithoutRawBodyMessage());
    }
    try {
      return await this.events.handle(body, request.headers, request.rawBody);
    } catch (error) {
      if (error instanceof FeishuEventRejectedError) {
        throw new HttpException({ statusCode: error.status, message: error.message }, error.status);
      }
      throw toFeishuHttpException(error);
    }
  }
}

/** `FeishuEventsController` mounted at another path. */
export function createFeishuEventsController(path: string): Type<FeishuEventsController> {
  @Controller(path)
  class FeishuEventsAtPathController extends FeishuEventsController {}
  return FeishuEventsAtPathController;
}
