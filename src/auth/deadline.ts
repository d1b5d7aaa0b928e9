/**
 * A hard deadline for one login. Dovecot and pure-authd never kill a
 * hanging child, so when the deadline passes the process exits with the
 * status already decided, or with 111 (temporary failure) if none was.
 * The exit waits for a running password hash (see the note in start()).
 */
export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private decidedStatus: number | undefined;
  private readonly onExpire: () => void;

  constructor(seconds: number, onExpire: () => void) {
    this.onExpire = onExpire;
    this.timer = this.start(seconds);
  }

  /** Restarts the clock with a new length, e.g. once the config is read. */
  reset(seconds: number): void {
    this.clear();
    this.timer = this.start(seconds);
  }

  /** Records the exit status to use if the deadline passes from now on. */
  decide(status: number): void {
    this.decidedStatus = status;
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(seconds: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (this.decidedStatus === undefined) this.onExpire();
      // NOTE: process.exit() waits for an argon2 hash that is running on
      // the libuv threadpool, so the process can outlive the deadline by
      // one hash, bounded by ARGON2_COST_LIMITS (password-hash.ts). Hosts
      // that read the exit status wait that long, but verify and
      // pure-authd write their reply to stdout at the deadline.
      process.exit(this.decidedStatus ?? 111);
    }, seconds * 1000);
    timer.unref();
    return timer;
  }
}
