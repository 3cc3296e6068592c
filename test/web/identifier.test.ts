// What a person types in the sign-in page's identifier field, read as the Experience API identifier the
// page sends (web/src/app/identifier.ts): phones in E.164 (`+` and digits), whatever spacing was typed.
import { describe, expect, it } from 'vitest';
import { parseIdentifier } from '../../web/src/app/identifier.ts';

const ALL = ['username', 'email', 'phone'] as const;

describe('sign-in page identifier field', () => {
  it.each([
    ['+1 (415) 555-0123', { type: 'phone', value: '+14155550123' }],
    ['14155550123', { type: 'phone', value: '+14155550123' }],
    ['  Ada@Example.com ', { type: 'email', value: 'Ada@Example.com' }],
    ['ada_lovelace', { type: 'username', value: 'ada_lovelace' }],
  ])('reads %j as %j when every kind is allowed', (typed, expected) => {
    expect(parseIdentifier(typed, ALL)).toEqual(expected);
  });

  it.each([
    ['ada@', ['email'], 'field.invalid_email'],
    ['+12', ['phone'], 'field.invalid_phone'],
    ['1ada', ['username'], 'field.invalid_username'],
    ['ada', ['email', 'phone'], 'field.invalid_email'],
  ] as const)('refuses %j among %j with a phrase saying why', (typed, types, problem) => {
    expect(parseIdentifier(typed, types)).toEqual({ problem });
  });
});
