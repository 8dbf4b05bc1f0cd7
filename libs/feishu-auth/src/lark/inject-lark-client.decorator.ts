import { Inject } from '@nestjs/common';
import { LARK_CLIENT } from './feishu-lark.constants.js';

/**
 * Injects the official SDK's `Client` (`@larksuiteoapi/node-sdk`) whose app and tenant tokens
 * come from `TokenService`:
 *
 * ```ts
 * constructor(@InjectLarkClient() private readonly lark: LarkClient) {}
 * ```
 *
 * @publicApi
 */
export const InjectLarkClient = (): PropertyDecorator & ParameterDecorator => Inject(LARK_CLIENT);
