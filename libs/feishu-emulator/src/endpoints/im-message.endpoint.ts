import { createHash } from 'node:crypto';
import type { EmulatorRuntime } from '../emulator.runtime.js';
import { messageContentProblem } from '../im/message-content.js';
import {
  type EmulatorApiCall,
  EmulatorApiError,
  fieldValidationError,
} from '../openapi/openapi-call.js';
import { openApiRoute } from '../openapi/openapi-route.js';
import { findUserById, isOtherAppsOpenId } from '../openapi/user-lookup.js';
import type { EmulatorSentMessage } from '../state/sent-messages.js';

const RECEIVE_ID_TYPES = ['open_id', 'union_id', 'user_id', 'email', 'chat_id'] as const;
type ReceiveIdType = (typeof RECEIVE_ID_TYPES)[number];

/** Feishu's parameter error of the im APIs: HTTP 400, 230001, the problem after `ext=`. */
const invalidParameter = (ext: string): EmulatorApiError =>
  new EmulatorApiError(230001, `Your request contains an invalid request parameter, ext=${ext}.`);

/**
 * `POST /open-apis/im/v1/messages?receive_id_type=…` (tenant token: sent by the app's bot; user
 * token: sent as the user) with `{receive_id, msg_type, content, uuid?}`:
 * - `receive_id_type` missing or not one of open_id, union_id, user_id, email, chat_id; a missing or
 *   non-string `receive_id`, `msg_type` or `content` → HTTP 400 99992402 `field validation failed`;
 * - `content` that is not the JSON object its `msg_type` needs (text: `{"text": "…"}`), or an
 *   unknown `msg_type` → HTTP 400 230001 `ext=<why>`;
 * - another app's open_id → HTTP 400 99992361 `open_id cross app`; a user not in the token's tenant
 *   → 230001 `ext=invalid receive_id`; a resigned, frozen or unregistered user → 230013;
 * - a chat is any `oc_` id (chats and their members are not modelled);
 * - the same `uuid` from the same app within an hour answers the first message again, unsent.
 * Sent messages are kept: `emulator.sentMessages()`, `GET /__emulator/messages`.
 * Stats `openapi.im.message.create`.
 */
export const imMessageCreateRoute = openApiRoute({
  method: 'POST',
  pattern: '/open-apis/im/v1/messages',
  statsKey: 'openapi.im.message.create',
  tokens: ['tenant', 'user'],
  handle: (call, runtime) => messageData(sendMessage(call, runtime)),
});

function sendMessage(call: EmulatorApiCall, runtime: EmulatorRuntime): EmulatorSentMessage {
  const receiveIdType = call.query.receive_id_type;
  if (!(RECEIVE_ID_TYPES as readonly (string | undefined)[]).includes(receiveIdType)) {
    throw fieldValidationError(
      'receive_id_type',
      `receive_id_type must be one of ${RECEIVE_ID_TYPES.join(', ')}`,
    );
  }
  const [receiveId, msgType, content] = ['receive_id', 'msg_type', 'content'].map((field) => {
    const value = call.body[field];
    if (typeof value !== 'string' || value === '')
      throw fieldValidationError(field, `${field} is required`);
    return value;
  });
  const uuid =
    typeof call.body.uuid === 'string' && call.body.uuid !== '' ? call.body.uuid : undefined;
  const earlier = uuid && runtime.messages.findByUuid(call.app.appId, uuid, call.at);
  if (earlier) return earlier;
  const problem = messageContentProblem(msgType, content);
  if (problem) throw invalidParameter(problem);
  const receiver = resolveReceiver(call, runtime, receiveIdType as ReceiveIdType, receiveId);
  return runtime.messages.add({
    appId: call.app.appId,
    tenantKey: call.tenantKey,
    chatId: receiver.chatId,
    receiveIdType: receiveIdType as ReceiveIdType,
    receiveId,
    receiverOpenId: receiver.openId,
    msgType,
    content,
    sender:
      call.tokenType === 'user'
        ? { type: 'user', id: call.openId ?? '' }
        : { type: 'app', id: call.app.appId },
    uuid,
    createdAt: call.at,
  });
}

function resolveReceiver(
  call: EmulatorApiCall,
  runtime: EmulatorRuntime,
  idType: ReceiveIdType,
  id: string,
): { chatId: string; openId?: string } {
  if (idType === 'chat_id') {
    if (!id.startsWith('oc_')) throw invalidParameter('invalid receive_id');
    return { chatId: id };
  }
  const user = findUserById(runtime, call.app, call.tenantKey, idType, id);
  if (!user) {
    if (idType === 'open_id' && isOtherAppsOpenId(runtime, call.app, id)) {
      throw new EmulatorApiError(99992361, 'open_id cross app');
    }
    throw invalidParameter('invalid receive_id');
  }
  if (user.status !== 'active') {
    throw new EmulatorApiError(230013, 'Bot has NO availability to this user.');
  }
  const openId = runtime.openIdIn(call.app.appId, user);
  // A p2p chat is the same for every message between the same sender and receiver.
  const sender = call.tokenType === 'user' ? (call.openId ?? '') : call.app.appId;
  const digest = createHash('sha256').update(`${call.app.appId}\u0000${sender}\u0000${openId}`);
  return { chatId: `oc_${digest.digest('hex').slice(0, 32)}`, openId };
}

/** The answer's `data`: the message as Feishu describes a sent one. */
function messageData(message: EmulatorSentMessage): Record<string, unknown> {
  const time = String(message.createdAt);
  return {
    message_id: message.messageId,
    msg_type: message.msgType,
    create_time: time,
    update_time: time,
    deleted: false,
    updated: false,
    chat_id: message.chatId,
    sender: {
      id: message.sender.id,
      id_type: message.sender.type === 'app' ? 'app_id' : 'open_id',
      sender_type: message.sender.type,
      tenant_key: message.tenantKey,
    },
    body: { content: message.content },
  };
}
