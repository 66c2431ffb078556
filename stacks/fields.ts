// Field checks shared by the config schema and the profile schema.
import { z } from "zod";

/** A Kubernetes object name of one DNS label (RFC 1123). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A string that must satisfy `test`; the message quotes the offending value. */
export function matching(test: RegExp | ((value: string) => boolean), problem: string) {
    const check = test instanceof RegExp ? (value: string) => test.test(value) : test;
    return z.string().refine(check, { error: (issue) => `${JSON.stringify(issue.input)} ${problem}` });
}
