import { ConfigurableModuleBuilder } from '@nestjs/common';
import { createFeishuEventsController } from './events/feishu-events.controller.js';
import type { FeishuAuthModuleOptions } from './interfaces/feishu-auth-module-options.interface.js';

/**
 * Module-level switches that must be known before the options are (they shape the module):
 * - `isGlobal` (default true): the module's exports are available everywhere;
 * - `eventsPath`: mounts `FeishuEventsController` (app_ticket intake for store apps) at that path.
 *
 * @publicApi
 */
export interface FeishuAuthModuleExtras {
  isGlobal?: boolean;
  eventsPath?: string;
}

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: FEISHU_AUTH_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<FeishuAuthModuleOptions>()
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createFeishuAuthOptions')
    .setExtras<FeishuAuthModuleExtras>({ isGlobal: true }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
      controllers: [
        ...(definition.controllers ?? []),
        ...(extras.eventsPath ? [createFeishuEventsController(extras.eventsPath)] : []),
      ],
    }))
    .build();
