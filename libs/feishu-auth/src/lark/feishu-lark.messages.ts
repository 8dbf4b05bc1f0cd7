export const larkUserRequiredMessage = (): string =>
  'LarkUserTokens.withUser: give an open_id, or a request that FeishuAuthGuard let in ' +
  '(request.feishu is missing: is the route guarded?).';
