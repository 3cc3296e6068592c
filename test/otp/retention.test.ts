// A code past its retention (VERITY_CODE_RETENTION_DAYS after it finished) is gone: GET /otp/{id}
// answers the documented 404 (2021 not_found), as for an id that never existed. Time moves by the
// test clock.
import { describe, expect, it } from 'vitest';
import { purgeSweep } from '../../src/storage/repos/housekeeping.ts';
import { retentionOf } from '../../src/worker.ts';
import { call, useTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';

const t = useTestApp({ env: { VERITY_CODE_RETENTION_DAYS: '2' } });
const DAY = 86_400_000;

describe('retention of finished OTPs', () => {
  it('keeps a verified OTP readable for the retention, then answers 404 2021', async () => {
    const to = phone();
    const created = await call(t, 'POST', '/otp', { phoneNumber: to });
    const id = created.body.otpId as string;
    expect((await call(t, 'POST', `/otp/${id}`, { pin: t.sms.lastCode(to) })).status).toBe(200);

    t.clock.advance(2 * DAY - 1000);
    await purgeSweep(t.db, t.clock.now(), retentionOf(t.config));
    expect((await call(t, 'GET', `/otp/${id}`)).body).toMatchObject({ otpId: id, status: 'VERIFIED' });

    t.clock.advance(1000);
    await purgeSweep(t.db, t.clock.now(), retentionOf(t.config));
    const gone = await call(t, 'GET', `/otp/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ code: 2021, type: 'not_found' });
  });
});
