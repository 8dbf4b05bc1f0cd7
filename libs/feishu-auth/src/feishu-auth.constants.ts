/** Passport strategy name of `FeishuStrategy`. */
export const FEISHU_STRATEGY_NAME = 'feishu';
