// Types of fault-log.mjs, for faults.threads.test.ts.
export declare const FROM_END: { readonly LIVE_RECLAIMS: 3; readonly HOLDING: 2; readonly CORRUPT: 1 };
export declare function consumerLog(entries: number): SharedArrayBuffer;
export declare function entryCapacity(words: Int32Array): number;
export declare function fromEnd(words: Int32Array, k: number): number;
