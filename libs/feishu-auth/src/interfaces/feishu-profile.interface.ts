/**
 * The signed-in user, from `GET /open-apis/authen/v1/user_info`, camelCased.
 * Fields after `name` are present only when the app holds the scope that gates them
 * (for example `email` needs `contact:user.email:readonly`).
 *
 * @publicApi
 */
export interface FeishuProfile {
  openId: string;
  unionId: string;
  tenantKey: string;
  name: string;
  enName?: string;
  userId?: string;
  email?: string;
  enterpriseEmail?: string;
  mobile?: string;
  employeeNo?: string;
  avatarUrl?: string;
  avatarThumb?: string;
  avatarMiddle?: string;
  avatarBig?: string;
}
