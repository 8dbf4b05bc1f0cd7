import { randomBytes } from 'node:crypto';

/** A message an app sent through `POST /open-apis/im/v1/messages`, as the emulator keeps it. @publicApi */
export interface EmulatorSentMessage {
  /** `om_…`, as answered to the sender. */
  messageId: string;
  appId: string;
  tenantKey: string;
  /** The chat it went to: the given `oc_` id, or the app's (or user's) p2p chat with the receiver. */
  chatId: string;
  receiveIdType: 'open_id' | 'union_id' | 'user_id' | 'email' | 'chat_id';
  receiveId: string;
  /** The receiving user's open_id in the sending app; absent for a chat. */
  receiverOpenId?: string;
  msgType: string;
  /** The content string exactly as sent (JSON text). */
  content: string;
  /** A bot (tenant token) sends as the app; a user token sends as the user. */
  sender: { type: 'app'; id: string } | { type: 'user'; id: string };
  uuid?: string;
  /** Emulator clock, epoch ms. */
  createdAt: number;
}

/** Feishu de-duplicates a send by `uuid` for an hour. */
const UUID_WINDOW_MS = 3_600_000;

/** Every message sent, oldest first. */
export class SentMessages {
  private readonly messages: EmulatorSentMessage[] = [];

  /** The message sent earlier with the same app and uuid within the hour, if any. */
  findByUuid(appId: string, uuid: string, now: number): EmulatorSentMessage | undefined {
    return this.messages.find(
      (message) =>
        message.appId === appId &&
        message.uuid === uuid &&
        now - message.createdAt < UUID_WINDOW_MS,
    );
  }

  add(message: Omit<EmulatorSentMessage, 'messageId'>): EmulatorSentMessage {
    const sent = { messageId: `om_${randomBytes(16).toString('hex')}`, ...message };
    this.messages.push(sent);
    return sent;
  }

  list(): EmulatorSentMessage[] {
    return this.messages.map((message) => ({ ...message, sender: { ...message.sender } }));
  }

  clear(): void {
    this.messages.length = 0;
  }
}
