/** `SlackInstallationRepo` on Redis: one hash of opaque JSON by team or enterprise id. */

import type { SlackInstallationRepo } from '../store.js';
import type { RedisConn } from './conn.js';

export function createRedisSlackInstallations(conn: RedisConn): SlackInstallationRepo {
  const { ready } = conn;
  const key = `${conn.prefix}slack:inst`;
  return {
    async putSlackInstallation(id, value) {
      await (await ready()).hset(key, id, value);
    },
    async getSlackInstallation(id) {
      return (await ready()).hget(key, id);
    },
    async deleteSlackInstallation(id) {
      await (await ready()).hdel(key, id);
    },
  };
}
