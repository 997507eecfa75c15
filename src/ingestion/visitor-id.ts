// Anonymous visitor ids for hits without a userId: sha256(daily salt, site, IP, User-Agent).
// The salt rotates at UTC midnight and salts older than yesterday are deleted, so an id cannot be
// linked across days and raw IPs are never stored. Today's and tomorrow's salts are loaded ahead,
// which keeps the hot path synchronous.
import { hash, randomBytes } from 'node:crypto';
import { DAY_MS, utcDate } from '../core/time.js';
import type { Storage } from '../storage/port.js';

const REFRESH_MS = 15 * 60_000;

const newSalt = () => randomBytes(32).toString('base64url');

export class VisitorIds {
  private salts = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly storage: Storage) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(now = Date.now()): Promise<void> {
    const today = utcDate(now);
    this.salts = await this.storage.ensureSalts([today, utcDate(now + DAY_MS)], newSalt);
    await this.storage.deleteSaltsBefore(utcDate(now - DAY_MS));
  }

  /** The UTC day of the last hit: its first and last epoch ms, and YYYY-MM-DD (formatting a date on every hit showed in the pixel's profile). */
  private day = { from: 0, to: -1, date: '' };

  /** The visitor id of a hit received at `now`. */
  derive(siteId: string, ip: string, userAgent: string, now = Date.now()): string {
    if (now < this.day.from || now > this.day.to) {
      const from = Math.floor(now / DAY_MS) * DAY_MS;
      this.day = { from, to: from + DAY_MS - 1, date: utcDate(now) };
    }
    const day = this.day.date;
    let salt = this.salts.get(day);
    if (salt === undefined) {
      // Only when refresh has not run for over a day (database down): a process-local salt still
      // keeps ids unlinkable, at the cost of ids that differ from other instances'.
      salt = newSalt();
      this.salts.set(day, salt);
    }
    // crypto.hash: the one-shot form, without a Hash object per hit.
    const digest = hash('sha256', `${salt}\n${siteId}\n${ip}\n${userAgent}`, 'base64url');
    return `anon:${digest.slice(0, 22)}`;
  }
}
