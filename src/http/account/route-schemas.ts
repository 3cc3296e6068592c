// What every Account API route declares alike: its OpenAPI tag, its security (the user's access
// token) and Logto's error body per status.
export { errorsOf } from '../experience/route-schemas.ts';

export const verificationTags = ['account verifications'];
export const myAccountTags = ['my account'];
export const security = [{ UserAccessToken: [] }];
