/** How the CLI ends, for scripts (documented in USAGE). */
export const EXIT = { ok: 0, orderFailed: 1, usage: 2, timeout: 3, requestFailed: 4 } as const;
