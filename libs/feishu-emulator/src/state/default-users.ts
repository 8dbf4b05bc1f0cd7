import type { EmulatorUser } from '../emulator.options.js';
import { PRIMARY_TENANT_KEY, SECOND_TENANT_KEY } from './default-apps.js';

export function defaultUsers(): EmulatorUser[] {
  return [
    completeUser({
      openId: 'ou_78aeb5207746c1ae408063a8c9741149',
      unionId: 'on_0dd9ba6016a2e16c8d62973a090f2d90',
      userId: '95c739e2',
      name: '张三',
      enName: 'Zhang San',
      email: 'zhangsan@emulator.example',
      mobile: '+8613800000001',
      employeeNo: 'E0001',
    }),
    completeUser({
      openId: 'ou_fc2e140068d1d7e0d7b6441fb73142a8',
      unionId: 'on_eac0a2ccac9a3fd27397ac376c482793',
      userId: '25e90828',
      name: '李四',
      enName: 'Li Si',
      email: 'lisi@emulator.example',
      mobile: '+8613800000002',
      employeeNo: 'E0002',
    }),
    completeUser({
      openId: 'ou_90e594c6e6f594498542b57fbc5d9da3',
      unionId: 'on_06166db485c9f46cf8c032a78c4ade71',
      userId: '9b769a4d',
      name: '王五',
      enName: 'Wang Wu',
      email: 'wangwu@emulator.example',
      mobile: '+8613800000003',
      employeeNo: 'E0003',
    }),
    completeUser({
      openId: 'ou_ae112172c7f8b76b0a2991e7ccd33a7e',
      unionId: 'on_da520b4d74090c8eccb45b9773c054d1',
      userId: '53bffd54',
      tenantKey: SECOND_TENANT_KEY,
      name: '赵六',
      enName: 'Zhao Liu',
      email: 'zhaoliu@second.emulator.example',
      mobile: '+8613800000004',
      employeeNo: 'F0001',
    }),
    completeUser({
      openId: 'ou_f1d3756e1d0fa3c1f2ef236e69b1c1b1',
      unionId: 'on_77e7e9a593f97e38cde91213f1851739',
      userId: 'd742b335',
      name: '钱七',
      enName: 'Qian Qi (resigned)',
      email: 'qianqi@emulator.example',
      mobile: '+8613800000005',
      employeeNo: 'E0005',
      status: 'resigned',
    }),
    completeUser({
      openId: 'ou_b24c223be1a6741d37eb528ffd576900',
      unionId: 'on_80983e6a15066915baf9cb5a4051bddc',
      userId: 'b7fe777c',
      name: '孙八',
      enName: 'Sun Ba (frozen)',
      email: 'sunba@emulator.example',
      mobile: '+8613800000006',
      employeeNo: 'E0006',
      status: 'frozen',
    }),
  ];
}

export function completeUser(user: Partial<EmulatorUser> & { openId: string }): EmulatorUser {
  const enName = user.enName ?? user.name ?? user.openId;
  const email = user.email ?? `${user.openId}@emulator.example`;
  return {
    unionId: `on_${user.openId.replace(/^ou_/, '')}`,
    userId: user.openId.replace(/^ou_/, '').slice(0, 8),
    tenantKey: PRIMARY_TENANT_KEY,
    name: enName,
    enName,
    email,
    enterpriseEmail: email.replace(/@.*/, '@corp.emulator.example'),
    mobile: '+8613800000000',
    employeeNo: '',
    avatarUrl: avatarDataUri(user.name ?? enName),
    status: 'active',
    ...user,
  };
}

/** A small SVG avatar with the first letter of the name, so pages can show it without a network. */
export function avatarDataUri(name: string): string {
  const initial = escapeXml(Array.from(name)[0] ?? '?');
  const hue = Array.from(name).reduce((sum, char) => sum + (char.codePointAt(0) ?? 0), 0) % 360;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="72" height="72" viewBox="0 0 72 72">` +
    `<circle cx="36" cy="36" r="36" fill="hsl(${hue},55%,55%)"/>` +
    `<text x="36" y="47" font-size="32" text-anchor="middle" fill="#fff" font-family="sans-serif">${initial}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
