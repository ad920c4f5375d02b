import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isMagpieError, MagpieError, toMagpieError } from './errors.js';

describe('MagpieError', () => {
  it('takes its message from the code list when none is given', () => {
    const e = new MagpieError('ITEM_NOT_FOUND');
    expect(e.message).toBe('No item has this id.');
    expect(e.message).toBe(ERROR_CODES.ITEM_NOT_FOUND);
    expect(e.code).toBe('ITEM_NOT_FOUND');
    expect(e.name).toBe('MagpieError');
    expect(e).toBeInstanceOf(Error);
  });

  it('toJSON without details has exactly code and message (no details key)', () => {
    const json = new MagpieError('USER_NOT_FOUND', 'no user "u9"').toJSON();
    expect(json).toStrictEqual({ code: 'USER_NOT_FOUND', message: 'no user "u9"' });
    expect('details' in json).toBe(false);
    expect(JSON.parse(JSON.stringify(new MagpieError('USER_NOT_FOUND', 'x')))).toStrictEqual({
      code: 'USER_NOT_FOUND',
      message: 'x',
    });
  });

  it('toJSON with details carries them, including falsy ones', () => {
    const details = [{ path: 'server.port', message: 'too big' }];
    expect(new MagpieError('CONFIG_INVALID', 'bad', details).toJSON()).toStrictEqual({
      code: 'CONFIG_INVALID',
      message: 'bad',
      details,
    });
    // null and 0 are details too; only undefined means "none".
    expect(new MagpieError('INTERNAL', 'm', null).toJSON()).toStrictEqual({ code: 'INTERNAL', message: 'm', details: null });
    expect(new MagpieError('INTERNAL', 'm', 0).toJSON()).toStrictEqual({ code: 'INTERNAL', message: 'm', details: 0 });
  });

  it('keeps a cause', () => {
    const cause = new Error('disk full');
    expect(new MagpieError('STORAGE_FAILED', undefined, undefined, { cause }).cause).toBe(cause);
  });
});

describe('isMagpieError / toMagpieError', () => {
  it('recognises only MagpieError', () => {
    expect(isMagpieError(new MagpieError('INTERNAL'))).toBe(true);
    expect(isMagpieError(new Error('x'))).toBe(false);
    expect(isMagpieError({ code: 'INTERNAL', message: 'x' })).toBe(false);
  });

  it('passes a MagpieError through unchanged (same object, code kept over the fallback)', () => {
    const e = new MagpieError('RATE_LIMITED');
    expect(toMagpieError(e, 'STORAGE_FAILED')).toBe(e);
  });

  it('wraps an Error with its message, the fallback code and the original as cause', () => {
    const original = new TypeError('boom');
    const e = toMagpieError(original);
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toBe('boom');
    expect(e.cause).toBe(original);
    expect(e.details).toBeUndefined();
    expect(toMagpieError(original, 'STORAGE_FAILED').code).toBe('STORAGE_FAILED');
  });

  it('wraps non-Error throwables through String()', () => {
    expect(toMagpieError('plain string').message).toBe('plain string');
    expect(toMagpieError(42).message).toBe('42');
    expect(toMagpieError(undefined).message).toBe('undefined');
    expect(toMagpieError(null).cause).toBe(null);
  });
});
