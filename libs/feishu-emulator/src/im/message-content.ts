/**
 * The `content` of a message is a string holding a JSON object whose shape depends on `msg_type`
 * (Feishu's "send message content structure"). Returns why it is invalid, or undefined.
 */
export function messageContentProblem(msgType: string, content: string): string | undefined {
  const rule = CONTENT_RULES[msgType];
  if (!rule) return `invalid msg_type: ${msgType}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return 'content is not a string in json format';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return 'content is not a json object';
  }
  return rule(parsed as Record<string, unknown>);
}

type ContentRule = (content: Record<string, unknown>) => string | undefined;

/** A rule requiring one non-empty string field, e.g. `{"image_key":"img_…"}`. */
const requiredString =
  (field: string): ContentRule =>
  (content) =>
    typeof content[field] === 'string' && content[field] !== ''
      ? undefined
      : `content of this msg_type needs a non-empty string ${field}`;

/** Rich text: one object per locale (`zh_cn`, `en_us`, …), each with a `content` array of paragraphs. */
const postRule: ContentRule = (content) => {
  const locales = Object.values(content);
  const valid =
    locales.length > 0 &&
    locales.every(
      (locale) =>
        locale !== null &&
        typeof locale === 'object' &&
        Array.isArray((locale as Record<string, unknown>).content),
    );
  return valid ? undefined : 'post content needs a locale object with a content array';
};

const cardRule: ContentRule = (content) =>
  Object.keys(content).length > 0 ? undefined : 'interactive content is an empty card';

/** The message types an app can send, and what each one's content must hold. */
export const CONTENT_RULES: Readonly<Record<string, ContentRule>> = {
  text: requiredString('text'),
  post: postRule,
  image: requiredString('image_key'),
  file: requiredString('file_key'),
  audio: requiredString('file_key'),
  media: requiredString('file_key'),
  sticker: requiredString('file_key'),
  interactive: cardRule,
  share_chat: requiredString('chat_id'),
  share_user: requiredString('user_id'),
};
