// REDIS_URL: unset keeps liveStats in process; a redis:// or rediss:// URL is taken as given; anything
// else is refused naming the variable, and never echoing a password.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { redactRedisUrl } from '../../src/live/change-feed.js';

describe('REDIS_URL', () => {
  it('is unset by default', () => {
    expect(loadConfig({}).REDIS_URL).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
  });

  it.each(['redis://127.0.0.1:6379', 'rediss://user:pw@redis.example:6380/2'])('takes %s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).REDIS_URL).toBe(url);
  });

  it.each(['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis:/x', 'postgresql://secret-pw@db'])(
    'refuses %s naming the variable, not the value',
    (url) => {
      expect(() => loadConfig({ REDIS_URL: url })).toThrow(ConfigError);
      expect(() => loadConfig({ REDIS_URL: url })).toThrow(/REDIS_URL: must be a Redis URL/);
      expect(() => loadConfig({ REDIS_URL: url })).not.toThrow(/secret-pw/);
    },
  );
});

describe('redactRedisUrl', () => {
  it('drops the user and password, keeping host, port and database', () => {
    expect(redactRedisUrl('redis://pulse:s3cr%40t@cache.internal:6380/3')).toBe('redis://cache.internal:6380/3');
    expect(redactRedisUrl('rediss://:only-password@cache:6379')).toBe('rediss://cache:6379');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
