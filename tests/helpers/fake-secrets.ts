/**
 * Fake secrets of every well-known shape, assembled at run time so that no scanner mistakes this
 * file for a leak. `fragments` are the 8-character pieces a partial leak would show.
 */
const pem = [
  '-----BEGIN RSA PRIVATE KEY-----',
  ...Array.from({ length: 4 }, (_, i) => `MIIEpQIBAAKCAQEA${i}q7Vx`.padEnd(64, `Zk${i}Pw9Rt`).slice(0, 64)),
  'Qm3T0pLk9Vw==',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

export const FAKE_SECRETS = {
  github: `ghp_${'R8dK2mQ7vX4nL9pT'}${'w3Hc6Yb1Zf5Jg0Sa'}Eu7Ni`,
  anthropic: `sk-ant-api03-${'Tq9WmZ4kP7vL2xRb'}${'N8cH5jY3fD6gS1aK'}-Xo0Ue`,
  openai: `sk-proj-${'Lk4Rt8Wq2Zm7Xv5Pb'}${'9Nc3Hj6Yf1Dg0Sa'}`,
  aws: `AKIA${'QX7RZ2MV9KD4TW6B'}`,
  slack: `xoxb-${'48213906571'}-${'61932847502'}-${'Qm7Zk2Rv9Xw4Pt8Ln3Hc'}`,
  pem,
} as const;

/** The parts worth looking for: the secret's random part (a PEM block's body lines), in 8-character windows. */
export function fragments(secret: string): string[] {
  const body = secret.startsWith('-----BEGIN') ? secret.split('\n').slice(1, -1).join('') : secret;
  const out = new Set<string>();
  for (let i = 0; i + 8 <= body.length; i++) out.add(body.slice(i, i + 8));
  return [...out];
}
