import { messageContentProblem } from './message-content.js';

describe('messageContentProblem', () => {
  it.each([
    ['text', '{"text":"hello"}'],
    ['text', '{"text":"<at user_id=\\"ou_1\\">Tom</at> hi"}'],
    ['post', '{"zh_cn":{"title":"t","content":[[{"tag":"text","text":"x"}]]}}'],
    ['image', '{"image_key":"img_v2_1"}'],
    ['file', '{"file_key":"file_v2_1"}'],
    ['audio', '{"file_key":"file_v2_1"}'],
    ['media', '{"file_key":"file_v2_1","image_key":"img_1"}'],
    ['sticker', '{"file_key":"file_v2_1"}'],
    ['interactive', '{"elements":[]}'],
    ['share_chat', '{"chat_id":"oc_1"}'],
    ['share_user', '{"user_id":"ou_1"}'],
  ])('should accept %s content %s', (msgType, content) => {
    expect(messageContentProblem(msgType, content)).toBeUndefined();
  });

  it.each([
    ['text', 'hello', 'content is not a string in json format'],
    ['text', '"hello"', 'content is not a json object'],
    ['text', '["hello"]', 'content is not a json object'],
    ['text', '{}', 'content of this msg_type needs a non-empty string text'],
    ['text', '{"text":""}', 'content of this msg_type needs a non-empty string text'],
    ['text', '{"text":42}', 'content of this msg_type needs a non-empty string text'],
    [
      'post',
      '{"zh_cn":{"title":"no content"}}',
      'post content needs a locale object with a content array',
    ],
    ['post', '{}', 'post content needs a locale object with a content array'],
    ['image', '{"file_key":"x"}', 'content of this msg_type needs a non-empty string image_key'],
    ['interactive', '{}', 'interactive content is an empty card'],
    ['system', '{"text":"x"}', 'invalid msg_type: system'],
    ['', '{"text":"x"}', 'invalid msg_type: '],
  ])('should refuse %s content %s', (msgType, content, problem) => {
    expect(messageContentProblem(msgType, content)).toBe(problem);
  });
});
