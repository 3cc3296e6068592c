// Pure rules of the social connectors: the `openid` scope, the user read from ID token claims and from
// an OAuth 2.0 profile (an email or phone only when the provider says it verified it), and the metadata
// a standard connector's instance shows.
import { describe, expect, it } from 'vitest';
import { findFactory } from '../../src/domain/connectors/factories.ts';
import { instanceMetadata } from '../../src/domain/connectors/social-rules.ts';
import { mapProfile } from '../../src/domain/social/oauth2.ts';
import { userOfClaims, withOpenid } from '../../src/domain/social/oidc.ts';

describe('withOpenid', () => {
  it('adds openid once, whatever the separator', () => {
    expect(withOpenid('profile email')).toBe('profile email openid');
    expect(withOpenid('openid+email')).toBe('openid email');
    expect(withOpenid('')).toBe('openid');
  });
});

describe('userOfClaims', () => {
  it('keeps the email only when email_verified is the boolean true', () => {
    expect(userOfClaims({ sub: '1', email: 'a@x.test', email_verified: true }).email).toBe('a@x.test');
    for (const flag of [false, 'true', 1, undefined]) expect(userOfClaims({ sub: '1', email: 'a@x.test', email_verified: flag })).not.toHaveProperty('email');
  });

  it('keeps the phone only when phone_number_verified is true; drops protocol claims from rawData', () => {
    const user = userOfClaims({ sub: '1', phone_number: '15551234', phone_number_verified: true, nonce: 'n', aud: 'c', name: 'N', picture: 'https://p.test/a' });
    expect(user).toMatchObject({ id: '1', phone: '15551234', name: 'N', avatar: 'https://p.test/a' });
    expect(user.rawData).toEqual({ sub: '1', phone_number: '15551234', phone_number_verified: true, name: 'N', picture: 'https://p.test/a' });
    expect(userOfClaims({ sub: '1', phone_number: '15551234' })).not.toHaveProperty('phone');
  });

  it('refuses claims without sub (connector.general)', () => {
    expect(() => userOfClaims({ email: 'a@x.test' })).toThrow(expect.objectContaining({ code: 'connector.general' }));
  });
});

describe('mapProfile', () => {
  it('reads dot paths; the email only with a true verified flag', () => {
    const profile = { data: { uid: 42, mail: 'm@x.test', ok: true, img: 'https://i.test' } };
    const map = { id: 'data.uid', email: 'data.mail', avatar: 'data.img', emailVerified: 'data.ok' };
    expect(mapProfile(profile, map)).toMatchObject({ id: '42', email: 'm@x.test', avatar: 'https://i.test' });
    expect(mapProfile({ data: { ...profile.data, ok: 'yes' } }, map)).not.toHaveProperty('email');
    expect(mapProfile(profile, { ...map, emailVerified: undefined })).not.toHaveProperty('email');
    expect(() => mapProfile({ data: {} }, map)).toThrow(expect.objectContaining({ code: 'connector.general' }));
  });
});

describe('instanceMetadata', () => {
  it('a standard factory’s instance shows its stored target and name; a preset shows its own', () => {
    const oidc = findFactory('oidc')!.metadata;
    expect(instanceMetadata(oidc, { target: 'corp', name: { en: 'Corp' } })).toMatchObject({ id: 'oidc', target: 'corp', name: { en: 'Corp' } });
    const github = findFactory('github-universal')!.metadata;
    expect(instanceMetadata(github, { target: 'other' }).target).toBe('github');
  });
});
